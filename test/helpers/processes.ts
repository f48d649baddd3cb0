// Processes whose command line mentions `marker` (a test's own temp dir or module dir): what a
// finished run must not leave behind. Other test files boot guests at the same time.
import { execFileSync } from "node:child_process";

export function leftoverProcesses(marker: string): string {
  try {
    return execFileSync("pgrep", ["-af", marker], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}
