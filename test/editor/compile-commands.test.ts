// compile_commands.json from a real kbuild build (kforge build with compileCommands in kforge.json):
// one entry per C file, every entry recompiles its file when run, and clangd accepts it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addTarget, dropGccOnlyFlags, splitCommand } from "../../src/editor/clang-flags.js";
import { parseElf } from "../../src/module/elf.js";
import { parseCmdFile } from "../../src/editor/cmd-files.js";
import { runKforge } from "../helpers/cli.js";
import { foreignKernel61, kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "../kbuild/modules.js";

interface Entry {
  directory: string;
  file: string;
  output: string;
  command: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const hasClangd = spawnSync("clangd", ["--version"]).status === 0;

function createPairModule(): string {
  const dir = createModuleDir({
    Kbuild: "obj-m := pair.o\npair-y := main.o helper.o\n",
    "main.c": moduleSource("pair", '#include "helper.h"\n'),
    "helper.h": "int pair_helper(int value);\n",
    "helper.c": '#include <linux/kernel.h>\n#include "helper.h"\nint pair_helper(int value)\n{\n\treturn value + 1;\n}\n',
    "kforge.json": JSON.stringify({ compileCommands: true }),
  });
  dirs.push(dir);
  return dir;
}

describe.each([
  ["6.1", () => kernel61()],
  ["6.12", () => kernel612()],
])("compile_commands.json for %s", (_series, kernel) => {
  it("lists every C file once, with absolute paths, and each command recompiles its file; clangd finds no errors", async () => {
    const { release, kdir } = kernel();
    const dir = createPairModule();
    const build = await runKforge(["build", dir, "-k", release]);
    expect(build.exitCode).toBe(0);
    const entries = JSON.parse(readFileSync(join(dir, "compile_commands.json"), "utf8")) as Entry[];
    expect(entries.map((entry) => entry.file)).toEqual([join(dir, "helper.c"), join(dir, "main.c")]);
    for (const entry of entries) {
      expect(entry.directory).toBe(realpathSync(kdir));
      expect(entry.output).toBe(entry.file.replace(/\.c$/, ".o"));
      expect(entry.command).not.toContain("-mindirect-branch");
      expect(entry.command).not.toContain("-Wp,-MMD");
      rmSync(entry.output);
      execFileSync("sh", ["-c", entry.command], { cwd: entry.directory, stdio: "pipe" });
      expect(existsSync(entry.output)).toBe(true);
    }
    if (!hasClangd) {
      console.warn("clangd is not installed (apt-get install clangd): skipping the clangd --check part");
      return;
    }
    for (const entry of entries) {
      const check = spawnSync("clangd", [`--check=${entry.file}`], { encoding: "utf8", timeout: 100_000 });
      expect(check.stderr).toContain("All checks completed, 0 errors");
    }
  });
});

// The Debian arm64 and armmp kernels scripts/setup.sh fetched: a cross build's entries rerun with the
// cross gcc, and clangd takes the target from its name and parses the arch's flags without an error.
describe.each([
  ["arm64", 183, /-triple aarch64-/],
  ["armmp", 40, /-triple armv7-/],
] as const)("compile_commands.json for a cross build (%s)", (flavour, machine, triple) => {
  it("reruns each entry with the cross compiler, and clangd parses it for the target with no errors", async () => {
    const { release } = foreignKernel61(flavour);
    const dir = createPairModule();
    expect((await runKforge(["build", dir, "-k", release])).exitCode).toBe(0);
    const entries = JSON.parse(readFileSync(join(dir, "compile_commands.json"), "utf8")) as Entry[];
    for (const entry of entries) {
      rmSync(entry.output);
      execFileSync("sh", ["-c", entry.command], { cwd: entry.directory, stdio: "pipe" });
      expect(parseElf(readFileSync(entry.output)).machine).toBe(machine);
    }
    if (!hasClangd) return;
    const check = spawnSync("clangd", [`--check=${entries[0]!.file}`], { encoding: "utf8", timeout: 100_000 });
    expect(check.stderr).toMatch(triple);
    expect(check.stderr).toContain("All checks completed, 0 errors");
  });
});

describe("kforge compile-commands", () => {
  it("refuses a build made for another kernel", async () => {
    const dir = createPairModule();
    expect((await runKforge(["build", dir, "-k", kernel61().release])).exitCode).toBe(0);
    const result = await runKforge(["compile-commands", dir, "-k", kernel612().release]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`was built for ${kernel61().release}, not ${kernel612().release}`);
  });
});

describe("cmd file and flag parsers", () => {
  it("reads 6.1's cmd_ and 6.12's savedcmd_ lines and stops before objtool", () => {
    const text =
      "savedcmd_/src/m/a.o := gcc -c -o /src/m/a.o /src/m/a.c   ; ./tools/objtool/objtool --link /src/m/a.o\n" +
      "\nsource_/src/m/a.o := /src/m/a.c\n";
    expect(parseCmdFile(text)).toEqual({ output: "/src/m/a.o", source: "/src/m/a.c", command: "gcc -c -o /src/m/a.o /src/m/a.c" });
    expect(parseCmdFile(text.replace("savedcmd_", "cmd_"))?.output).toBe("/src/m/a.o");
    expect(parseCmdFile("deps_/src/m/a.o := \\\n")).toBeUndefined();
  });

  it("adds --target only where the driver's name does not say the target", () => {
    expect(addTarget(["aarch64-linux-gnu-gcc-12", "-c"], "aarch64-linux-gnu")).toEqual(["aarch64-linux-gnu-gcc-12", "-c"]);
    expect(addTarget(["/opt/x/bin/arm-none-linux-gnueabihf-gcc", "-c"], "arm-linux-gnueabihf")).toHaveLength(2);
    expect(addTarget(["clang", "--target=aarch64-linux-gnu", "-c"], "aarch64-linux-gnu")).toHaveLength(3);
    expect(addTarget(["gcc-12", "-c"], "aarch64-linux-gnu")).toEqual(["gcc-12", "--target=aarch64-linux-gnu", "-c"]);
    expect(addTarget(["gcc-12", "-c"], undefined)).toEqual(["gcc-12", "-c"]);
  });

  it("keeps kbuild's quoted words whole and drops GCC-only flags", () => {
    const words = splitCommand(`gcc -mpreferred-stack-boundary=3 -DKBUILD_MODNAME='"pair"' -fconserve-stack -O2`);
    expect(words).toEqual(["gcc", "-mpreferred-stack-boundary=3", `-DKBUILD_MODNAME='"pair"'`, "-fconserve-stack", "-O2"]);
    expect(dropGccOnlyFlags(words)).toEqual(["gcc", `-DKBUILD_MODNAME='"pair"'`, "-O2"]);
  });
});
