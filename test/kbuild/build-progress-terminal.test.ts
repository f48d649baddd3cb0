// The counted progress row on a real terminal: a tmux pane runs `kforge build` on a 42-module
// collection, and the screen is read while the build runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const MODULES = 42;
const dir = mkdtempSync(join(tmpdir(), "kforge-progress-"));
// A private tmux server, so the test never touches anyone's sessions.
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", `kforge-progress-${process.pid}`, ...args], { encoding: "utf8" });
afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // Already gone.
  }
  rmSync(dir, { recursive: true, force: true });
});

function writeCollection(): void {
  const names = Array.from({ length: MODULES }, (_, index) => `m${index + 1}`);
  for (const name of names) {
    writeFileSync(
      join(dir, `${name}.c`),
      `#include <linux/module.h>\nstatic int __init start(void) { pr_info("${name}\\n"); return 0; }\n` +
        `static void __exit stop(void) {}\nmodule_init(start);\nmodule_exit(stop);\nMODULE_LICENSE("GPL");\n`,
    );
  }
  writeFileSync(join(dir, "Kbuild"), names.map((name) => `obj-m += ${name}.o\n`).join(""));
}

describe("build progress on a terminal", () => {
  it("shows objects compiled and modules linked out of the totals, and the elapsed time", { timeout: 200_000 }, async () => {
    writeCollection();
    const command = [process.execPath, KFORGE_BIN, "build", dir, "--kernel", kernel61().release, "-j", "1"].join(" ");
    tmux(
      "new-session",
      "-d",
      "-s",
      "build",
      "-x",
      "140",
      "-y",
      "20",
      "-e",
      "NO_COLOR=1",
      "-e",
      "CI=",
      `${command}; echo "exit=$?"; sleep 600`,
    );
    const rows: string[] = [];
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const screen = tmux("capture-pane", "-p", "-t", "build");
      const row = screen.split("\n").find((line) => line.includes(" objects, "));
      if (row && rows.at(-1) !== row) rows.push(row);
      if (/exit=\d/.test(screen)) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const counts = rows
      .map((row) => row.match(/(\d+)\/(\d+) objects, (\d+)\/(\d+) modules linked, (\d+) s/))
      .filter((match) => match !== null);
    expect(counts.length, `rows seen:\n${rows.join("\n")}`).toBeGreaterThan(1);
    for (const match of counts) {
      expect(Number(match[2])).toBe(MODULES);
      expect(Number(match[4])).toBe(MODULES);
    }
    // The row moves while the build runs: some objects are done before all of them are.
    const objects = counts.map((match) => Number(match[1]));
    expect(objects.some((done) => done > 0 && done < MODULES)).toBe(true);
    expect(tmux("capture-pane", "-p", "-t", "build")).toMatch(/exit=0/);
  });
});
