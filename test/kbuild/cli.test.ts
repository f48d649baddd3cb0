// The real CLI: --json shape, exit codes, Ctrl-C during a build, clean.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, truncateSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir, slowModuleSource } from "./modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(removeDir));

// Processes whose command line mentions dir (make, its sub-makes, gcc, cc1...).
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (commandLine.includes(dir)) found.push(`${pid} ${commandLine}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

// stdin is /dev/null, so script(1) cannot copy a size from a terminal.
function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, stdout }));
  });
}

describe("kforge build (CLI)", () => {
  it("--json prints exactly one object of the documented shape and nothing else on stdout", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") }));
    const { exitCode, stdout } = await runKforge(["build", dir, "--kernel", kernel612().release, "--json"]);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(Object.keys(report)).toEqual(["ok", "kernels"]);
    expect(report.ok).toBe(true);
    const [kernel] = report.kernels;
    expect(Object.keys(kernel)).toEqual([
      "release",
      "kdir",
      "ok",
      "durationMs",
      "artifacts",
      "diagnostics",
      "log",
      "upToDate",
      "interrupted",
    ]);
    expect(kernel).toMatchObject({
      release: kernel612().release,
      kdir: kernel612().kdir,
      ok: true,
      diagnostics: [],
      log: join(dir, ".kforge/logs", kernel612().release, "build.log"),
      upToDate: false,
      interrupted: false,
    });
    expect(kernel.artifacts).toEqual([
      {
        module: "hello",
        path: join(dir, "hello.ko"),
        size: expect.any(Number),
        vermagic: expect.stringMatching(new RegExp(`^${kernel612().release.replaceAll("+", "\\+")} `)),
      },
    ]);
    const again = JSON.parse((await runKforge(["build", dir, "--kernel", kernel612().release, "--json"])).stdout);
    expect(again.kernels[0]).toMatchObject({ ok: true, upToDate: true, interrupted: false });
  });

  it("prints modpost's GPL-only error under the module's .ko with its hint, also in --json", async () => {
    const source = moduleSource(
      "gplonly",
      '#include <linux/usb.h>\nstatic int gplonly_use(void) { return usb_register_driver(NULL, THIS_MODULE, "g"); }\n',
      false,
    ).replace("return 0;", "return gplonly_use();");
    const dir = track(createModuleDir({ Kbuild: "obj-m += gplonly.o\n", "gplonly.c": `${source}MODULE_LICENSE("Proprietary");\n` }));
    const { exitCode, stderr } = await runKforge(["build", dir, "--kernel", kernel612().release]);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        String.raw`\ngplonly\.ko\n +error +modpost: GPL-incompatible module gplonly\.ko uses GPL-only symbol ` +
          String.raw`'usb_register_driver'\n +hint: usb_register_driver is exported with EXPORT_SYMBOL_GPL`,
      ),
    );
    expect(stderr).not.toMatch(/^build$/m);
    const json = JSON.parse((await runKforge(["build", dir, "--kernel", kernel612().release, "--json"])).stdout);
    expect(json.kernels[0].diagnostics).toEqual([
      expect.objectContaining({ file: "gplonly.ko", hint: expect.stringContaining("GPL-compatible MODULE_LICENSE") }),
    ]);
  });

  it("repairs a truncated .ko with --force and prints the damage without blaming make", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += hello1.o\n", "hello1.c": moduleSource("hello1") }));
    expect((await runKforge(["build", dir, "--kernel", kernel612().release])).exitCode).toBe(0);
    truncateSync(join(dir, "hello1.ko"), 5000);
    const damaged = await runKforge(["build", dir, "--kernel", kernel612().release]);
    expect(damaged.exitCode).toBe(1);
    expect(damaged.stderr).toContain("hello1.ko is damaged: truncated file");
    expect(damaged.stderr).not.toContain("make: ");
    expect(damaged.stderr).toContain("hint: run kforge build --force (or kforge clean) to rebuild it");
    const forced = await runKforge(["build", dir, "--kernel", kernel612().release, "--force"]);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain("built for");
  });

  it("draws progress 80 columns wide on a terminal that reports 0 columns", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += narrow.o\n", "narrow.c": moduleSource("narrow") }));
    expect((await runKforge(["build", dir, "--kernel", kernel61().release])).exitCode).toBe(0);
    // script(1) gives kforge a pty nobody sized: stty reports 0 rows 0 columns there.
    const command = `${process.execPath} ${KFORGE_BIN} build ${dir} --kernel ${kernel61().release}`;
    const { stdout } = await runProcess("script", ["-qc", command, "/dev/null"], { ...process.env, CI: "", NO_COLOR: "1", TERM: "xterm" });
    expect(stdout).toContain(`${basename(dir)} for ${kernel61().release}: up to date`);
    expect(stdout.split(/\r?\n/).filter((line) => line.trim().length === 1)).toEqual([]);
  });

  it("exits 1 on a failed build, prints the grouped diagnostic with its source line, and names the log", async () => {
    const dir = track(
      createModuleDir({ Kbuild: "obj-m += broken.o\n", "broken.c": moduleSource("broken", "static int broken_value = 1\n") }),
    );
    const { exitCode, stderr, stdout } = await runKforge(["build", dir, "--kernel", kernel61().release]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("broken.c\n");
    expect(stderr).toMatch(/ {2}5:\d+ +error +expected/);
    expect(stderr).toContain("5 | static int __init broken_init(void)");
    expect(stderr).toContain(`full log: ${join(dir, ".kforge/logs", kernel61().release, "build.log")}`);
    const json = await runKforge(["build", dir, "--kernel", kernel61().release, "--json"]);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.kernels[0].diagnostics[0]).toEqual({
      severity: "error",
      file: "broken.c",
      line: 5,
      column: expect.any(Number),
      message: expect.stringContaining("expected"),
      flag: null,
      hint: null,
      includedFrom: [],
      notes: [],
    });
  });

  it("runs sparse over every source with --check, also after a normal build, and reports what it finds", async () => {
    const body =
      "int checked_value;\nstatic int checked_peek(void)\n{\n" +
      "\tchar __user *user = NULL;\n\tchar *kernel = user;\n\treturn kernel ? 1 : 0;\n}\n";
    const dir = track(createModuleDir({ Kbuild: "obj-m += checked.o\n", "checked.c": moduleSource("checked", body) }));
    expect((await runKforge(["build", dir, "--kernel", kernel61().release])).exitCode).toBe(0);
    const { exitCode, stdout } = await runKforge(["build", dir, "--kernel", kernel61().release, "--check", "--json"]);
    expect(exitCode).toBe(0);
    const messages = JSON.parse(stdout).kernels[0].diagnostics.map(
      (diagnostic: { file: string; message: string }) => `${diagnostic.file}: ${diagnostic.message}`,
    );
    expect(messages).toContain("checked.c: incorrect type in initializer (different address spaces)");
    expect(messages).toContain("checked.c: symbol 'checked_value' was not declared. Should it be static?");
  });

  it("exits 2 for usage and environment errors", async () => {
    const empty = track(createModuleDir({ "notes.txt": "" }));
    const missing = await runKforge(["build", empty, "--kernel", kernel61().release]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/no Kbuild or Makefile[\s\S]*hint: .*kforge new/);
    expect((await runKforge(["build", empty, "--warnings", "4"])).exitCode).toBe(2);
    const dir = track(createModuleDir({ Kbuild: "obj-m += a.o\n", "a.c": moduleSource("a") }));
    const check = await runKforge(["build", dir, "--kernel", kernel61().release, "--check", "--", "CHECK=kforge-no-such-checker"]);
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toContain("kforge-no-such-checker is not installed");
    expect((await runKforge(["build", dir, "--kernel", kernel61().release, "--", "clean"])).exitCode).toBe(2);
    // Debian's kernels are built with gcc: a clang-built module would not even compile against them.
    const llvm = await runKforge(["build", dir, "--kernel", kernel61().release, "--llvm"]);
    expect(llvm.exitCode).toBe(2);
    expect(llvm.stderr).toContain("--llvm builds with clang, but this kernel was built with gcc-12");
  });

  it("stops make and every compiler on SIGINT: exit 130, no process left, nothing reported as built", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += slow.o\n", "slow.c": slowModuleSource() }));
    const child = spawn(process.execPath, [KFORGE_BIN, "build", dir, "--kernel", kernel61().release, "--json"], {
      env: { ...process.env, CI: "true", NO_COLOR: "1" },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Wait until the compiler is running (up to 30 s: other test files boot guests meanwhile).
    // Only the compiler working on slow.c counts: kbuild also runs short-lived cc1 probes.
    const compilingSlow = () => processesUsing(dir).some((line) => line.includes("/cc1 ") && line.includes("slow.c"));
    for (let tries = 0; tries < 600 && !compilingSlow(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(compilingSlow()).toBe(true);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(processesUsing(dir)).toEqual([]);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.kernels[0].artifacts).toEqual([]);
    expect(existsSync(join(dir, "slow.ko"))).toBe(false);
    expect(existsSync(join(dir, ".kforge/state", kernel61().release, "fingerprint.json"))).toBe(false);
    expect(readFileSync(report.kernels[0].log, "utf8")).toContain("# interrupted");
  });
});

describe("kforge clean (CLI)", () => {
  it("runs kbuild's clean and removes .kforge, keeping the sources", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += tidy.o\n", "tidy.c": moduleSource("tidy") }));
    expect((await runKforge(["build", dir, "--kernel", kernel61().release])).exitCode).toBe(0);
    expect(existsSync(join(dir, "tidy.ko"))).toBe(true);
    const { exitCode, stdout } = await runKforge(["clean", dir, "--kernel", kernel61().release]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("removed .kforge/state, .kforge/logs");
    expect(readdirSync(dir).sort()).toEqual(["Kbuild", "tidy.c"]);
  });
});
