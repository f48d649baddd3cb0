// checkpatch.pl over several files for the price of one start. Each start costs perl compiling the
// script and checkpatch building its tables (about 0.2 s of CPU, more than checking a small file),
// but one run over several files is not the same check: checkpatch keeps state from file to file (a
// CamelCase word is reported only in the first file that has it). So this driver runs checkpatch's
// own code once up to its loop over the files, then forks a child per file, one after the other:
// each child checks its one file from the same fresh state as `checkpatch.pl --file <file>` and exits
// as checkpatch exits. A checkpatch.pl whose loop is not written as the driver expects (another
// kernel version) gets a run of its own per file instead.
// Usage: perl -e CHECKPATCH_DRIVER -- <checkpatch.pl> <flags> -- <files>
export const CHECKPATCH_DRIVER = String.raw`
use strict;
use warnings;
my $script = shift @ARGV;
my $separator = 0;
$separator++ while $separator <= $#ARGV && $ARGV[$separator] ne '--';
my @flags = @ARGV[0 .. $separator - 1];
my @files = @ARGV[$separator + 1 .. $#ARGV];
open(my $in, '<', $script) or die "kforge: cannot read $script: $!\n";
my $source = do { local $/; <$in> };
close($in);
my $loop = 'for my $filename (@ARGV) {';
my $found = () = $source =~ /^\Q$loop\E$/mg;
if ($found != 1) {
	my $worst = 0;
	$worst = worse($worst, $_, system($^X, $script, @flags, $_) == -1 ? 255 << 8 : $?) for @files;
	exit $worst;
}
$source =~ s/^\Q$loop\E$/for my \$filename (main::each_file_in_a_child(\@ARGV)) {/m;

# The worst exit status so far; a child that crashed is named on stderr.
sub worse {
	my ($worst, $file, $status) = @_;
	my $signal = $status & 127;
	my $code = $signal ? 128 + $signal : $status >> 8;
	print STDERR "kforge: checkpatch.pl on $file " . ($signal ? "was killed by signal $signal" : "exited with $code") . "\n" if $code > 1;
	return $code > $worst ? $code : $worst;
}

# In the parent: a child per file, each waited for, so their output keeps the files' order; then exit.
# In a child: the loop goes on with its one file.
sub each_file_in_a_child {
	my @names = @_;
	my $worst = 0;
	$| = 1;
	for my $file (@names) {
		my $pid = fork();
		die "kforge: cannot fork: $!\n" unless defined $pid;
		if ($pid == 0) {
			@ARGV = ($file);
			return ($file);
		}
		waitpid($pid, 0);
		$worst = worse($worst, $file, $?);
	}
	exit $worst;
}

$0 = $script;
@ARGV = (@flags, @files);
eval "#line 1 \"$script\"\n$source";
die $@ if $@;
`;
