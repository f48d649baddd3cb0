// A matrix build on a real terminal: a tmux pane runs `kforge build` for both installed kernels on a
// 10-module collection, and the screen read while it runs shows one listr2 row per kernel, each
// counting its own objects, then each row's outcome.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN } from "../helpers/cli.js";
import { kernel61, kernel612, releasePattern } from "../helpers/kernels.js";

const MODULES = 10;
const dir = mkdtempSync(join(tmpdir(), "kforge-matrix-progress-"));
// A private tmux server, so the test never touches anyone's sessions.
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", `kforge-matrix-progress-${process.pid}`, ...args], { encoding: "utf8" });
afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // Already gone.
  }
  rmSync(dir, { recursive: true, force: true });
});

const names = Array.from({ length: MODULES }, (_, index) => `row${index + 1}`);
for (const name of names)
  writeFileSync(
    join(dir, `${name}.c`),
    `#include <linux/module.h>\nstatic int __init start(void) { return 0; }\n` +
      `static void __exit stop(void) {}\nmodule_init(start);\nmodule_exit(stop);\nMODULE_LICENSE("GPL");\n`,
  );
writeFileSync(join(dir, "Kbuild"), names.map((name) => `obj-m += ${name}.o\n`).join(""));

describe("matrix build progress on a terminal", () => {
  it("shows one row per kernel with its own counts while the kernels build, then each kernel's outcome", { timeout: 300_000 }, async () => {
    const releases = [kernel61().release, kernel612().release];
    const command = [process.execPath, KFORGE_BIN, "build", dir, ...releases.flatMap((release) => ["--kernel", release])].join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      "matrix",
      "-x",
      "160",
      "-y",
      "30",
      "-e",
      "NO_COLOR=1",
      "-e",
      "CI=",
      `${command}; echo "exit=$?"; sleep 600`,
    );
    const counted = new Map<string, Set<string>>(releases.map((release) => [release, new Set()]));
    let bothAtOnce = false;
    let screen = "";
    const deadline = Date.now() + 280_000;
    while (Date.now() < deadline) {
      screen = tmux("capture-pane", "-p", "-t", "matrix");
      const rows = releases.map((release) =>
        screen.split("\n").find((line) => new RegExp(`building \\S+ for ${releasePattern(release)}: \\d+/${MODULES} objects`).test(line)),
      );
      for (const [index, row] of rows.entries()) if (row) counted.get(releases[index]!)!.add(row.match(/(\d+)\/\d+ objects/)![1]!);
      if (rows.every(Boolean)) bothAtOnce = true;
      if (/exit=\d/.test(screen)) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(bothAtOnce, `screen:\n${screen}`).toBe(true);
    // Each row moved on its own: more than one count was seen on it.
    for (const release of releases) expect(counted.get(release)!.size, release).toBeGreaterThan(1);
    expect(screen).toMatch(/exit=0/);
    // The summary table may have scrolled the rows off the screen: read the history too.
    const history = tmux("capture-pane", "-p", "-S", "-200", "-t", "matrix");
    for (const release of releases)
      expect(history).toMatch(new RegExp(`built \\S+ for ${releasePattern(release)} \\(${MODULES} modules\\)`));
  });
});
