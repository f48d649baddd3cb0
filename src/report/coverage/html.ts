// The HTML report: genhtml (Debian's lcov package) over the lcov tracefile, with branch coverage and
// the annotated sources. kforge writes lcov and Cobertura itself; HTML is genhtml's craft.
import { EnvironmentError, InterruptedError } from "../../errors.js";
import { run } from "../../process/exec.js";

const INSTALL_HINT = "install it (Debian package lcov): apt-get install lcov, or leave html out of --coverage-format";

// Checked before anything is built or booted, so a missing genhtml costs no guest run.
export async function checkGenhtml(): Promise<void> {
  const probe = await run("genhtml", ["--version"]);
  if (probe.notFound || probe.exitCode !== 0)
    throw new EnvironmentError("--coverage-format html needs genhtml, which is not installed", INSTALL_HINT);
}

export async function renderHtml(input: {
  tracefile: string;
  outputDir: string;
  dir: string;
  title: string;
  signal?: AbortSignal;
}): Promise<void> {
  const result = await run(
    "genhtml",
    ["--quiet", "--branch-coverage", "--prefix", input.dir, "--title", input.title, "--output-directory", input.outputDir, input.tracefile],
    { signal: input.signal },
  );
  if (result.canceled) throw new InterruptedError();
  if (result.notFound) throw new EnvironmentError("genhtml is not installed", INSTALL_HINT);
  if (result.failed) {
    const reason = (result.stderr || result.stdout).trim().split("\n").at(-1) ?? `exit code ${result.exitCode}`;
    throw new EnvironmentError(`genhtml failed: ${reason}`, `run genhtml ${input.tracefile} by hand to see the whole error`);
  }
}
