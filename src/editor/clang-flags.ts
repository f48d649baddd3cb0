// Pure: GCC-only flags in a kbuild compile command that clang (and so clangd) rejects, in one table,
// as users of the kernel's gen_compile_commands.py remove them by hand in .clangd. They are dropped,
// not mapped to clang spellings, so the entry still recompiles with the build's own gcc; none of them
// changes which headers or macros a file sees. Flags clang merely warns about stay.
const GCC_ONLY_FLAGS: RegExp[] = [
  /^-mpreferred-stack-boundary=/,
  /^-mindirect-branch=/,
  /^-mindirect-branch-register$/,
  /^-mindirect-branch-cs-prefix$/,
  /^-mfunction-return=/,
  /^-mrecord-mcount$/,
  /^-mskip-rax-setup$/,
  /^-mharden-sls=/,
  /^-fconserve-stack$/,
  /^-fno-allow-store-data-races$/,
  /^-fno-var-tracking-assignments$/,
  /^-fmin-function-alignment=/,
  /^-ftrivial-auto-var-init=zero$/,
  /^-mabi=lp64$/,
  /^-fzero-call-used-regs=/,
  /^-fsanitize=bounds-strict$/,
  // 32-bit arm (Debian's armmp kernels).
  /^-mno-fdpic$/,
  /^-fno-ipa-sra$/,
  /^-Wp,-MMD,/,
];

// Splits a kbuild command on spaces outside single quotes (kbuild quotes -DKBUILD_MODNAME='"x"').
export function splitCommand(command: string): string[] {
  return command.match(/(?:[^\s']+|'[^']*')+/g) ?? [];
}

// -Wp,-MMD goes too: rerunning an entry must not rewrite kbuild's dependency file.
export function dropGccOnlyFlags(words: readonly string[]): string[] {
  return words.filter((word) => !GCC_ONLY_FLAGS.some((pattern) => pattern.test(word)));
}

// clangd takes the target from a cross compiler's name (aarch64-linux-gnu-gcc-12 -> aarch64-linux-gnu), so
// such a command stays as the build ran it (gcc rejects --target, and the entry must still recompile).
// A driver without a triplet in its name (gcc-12 with a cross tree) gets --target, as does nothing else.
export function addTarget(words: readonly string[], gnuType: string | undefined): string[] {
  const driver = words[0]?.split("/").pop() ?? "";
  const namesTarget =
    /^[^-]+-.+-(?:gcc|cc|clang)(?:-\d+)?$/.test(driver) || words.some((word) => word.startsWith("--target=") || word === "-target");
  if (gnuType === undefined || namesTarget) return [...words];
  return [words[0]!, `--target=${gnuType}`, ...words.slice(1)];
}
