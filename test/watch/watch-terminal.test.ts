// `kforge watch` on a real terminal: a tmux pane runs it; keys are sent and the screen is read back.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN } from "../helpers/cli.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-tty-"));
// A private tmux server, so the test never touches anyone's sessions.
const server = `kforge-watch-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", server, ...args], { encoding: "utf8" });
afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // Already gone.
  }
  rmSync(root, { recursive: true, force: true });
});

const pane = () => tmux("capture-pane", "-p", "-t", "watch");
const consoleLog = (dir: string) => readFileSync(join(dir, ".kforge", "logs", kernel61().release, "watch-console.log"), "utf8");

async function waitForPane(match: (screen: string) => boolean, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const screen = pane();
    if (match(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the pane never matched; it shows:\n${pane()}`);
}

const KEYS = "keys: r/Enter rebuild and reload · t rerun tests · c clear · q quit";

describe("kforge watch on a terminal", () => {
  it("shows the keys, clears on c, rebuilds and reloads on r, and quits with q (exit 0)", { timeout: 200_000 }, async () => {
    const dir = join(root, "hello");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "hello.c"),
      '#include <linux/module.h>\nstatic int __init hello_init(void)\n{\n\tpr_info("hello: on a terminal\\n");\n' +
        '\treturn 0;\n}\nstatic void __exit hello_exit(void)\n{\n\tpr_info("hello: unloaded\\n");\n' +
        '}\nmodule_init(hello_init);\nmodule_exit(hello_exit);\nMODULE_LICENSE("GPL");\n',
    );
    writeFileSync(join(dir, "Kbuild"), "obj-m := hello.o\n");
    // The shell prints kforge's exit status: tmux 3.3 sometimes marks the pane dead without one.
    const command = [process.execPath, KFORGE_BIN, "watch", dir, "--kernel", kernel61().release, "--accel", "tcg"].join(" ");
    tmux("new-session", "-d", "-s", "watch", "-x", "160", "-y", "50", "-e", "NO_COLOR=1", `${command}; echo "kforge exited with $?"`);
    tmux("set-option", "-t", "watch", "remain-on-exit", "on");
    let screen = await waitForPane((text) => text.includes("hello: on a terminal"));
    expect(screen.split("\n")[0]).toBe(KEYS);
    expect(screen).toContain("loaded hello");

    tmux("send-keys", "-t", "watch", "c");
    screen = await waitForPane((text) => !text.includes("loaded hello"));
    expect(screen.trim()).toBe(KEYS);

    // r: the sources did not change, so the build is up to date, and the module is reloaded anyway.
    tmux("send-keys", "-t", "watch", "r");
    // The line itself: "unloaded hello" comes first.
    screen = await waitForPane((text) => text.split("\n").includes("loaded hello"));
    expect(screen).toContain("modules up to date");
    expect(screen).toContain("unloaded hello");

    tmux("send-keys", "-t", "watch", "q");
    screen = await waitForPane((text) => /kforge exited with \d+/.test(text), 30_000);
    expect(screen).toContain("kforge exited with 0");
    // q unloads the module before the guest goes: its exit function ran a second time (r was the first).
    const lines = screen.split("\n");
    expect(lines.lastIndexOf("unloaded hello")).toBeGreaterThan(lines.lastIndexOf("loaded hello"));
    expect(screen).not.toContain("unload of hello failed");
    expect(consoleLog(dir).match(/hello: unloaded/g)).toHaveLength(2);
  });

  it("leaves no QEMU or make behind when the terminal closes (SIGHUP)", { timeout: 200_000 }, async () => {
    const dir = join(root, "hello");
    const temp = join(root, "tmp-hup");
    mkdirSync(temp);
    const command = [process.execPath, KFORGE_BIN, "watch", dir, "--kernel", kernel61().release, "--accel", "tcg"].join(" ");
    tmux("new-session", "-d", "-s", "hup", "-x", "160", "-y", "50", "-e", "NO_COLOR=1", "-e", `TMPDIR=${temp}`, command);
    const deadline = Date.now() + 90_000;
    while (!tmux("capture-pane", "-p", "-t", "hup").includes("loaded hello") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(leftoverProcesses(temp)).toContain("qemu-system");
    tmux("kill-session", "-t", "hup");
    const gone = Date.now() + 20_000;
    while (leftoverProcesses(temp) !== "" && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(leftoverProcesses(temp)).toBe("");
    // The module was unloaded before the guest was powered off.
    expect(consoleLog(dir)).toContain("hello: unloaded");
  });
});
