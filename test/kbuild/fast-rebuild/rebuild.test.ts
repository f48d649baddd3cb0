// The fast rebuild path with real kbuild on both installed kernels: after an edit, the .ko it
// builds by rerunning kbuild's recorded commands is byte-for-byte the .ko a full make builds from
// the same sources in a second copy of the project (SOURCE_DATE_EPOCH maps the dirs' paths away),
// and so are the .cmd files it rewrites; every case it cannot prove goes to make, as reported.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildModules } from "../../../src/kbuild/build-modules.js";
import { rebuildModules, type RebuildResult } from "../../../src/kbuild/fast-rebuild/rebuild.js";
import { refreshMirror } from "../../../src/kbuild/mirror.js";
import { parseElf } from "../../../src/module/elf.js";
import { makeSettingsFor } from "../../../src/project/project.js";
import { foreignKernel61, kernel61, kernel612, type TestKernel } from "../../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "../modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const environment = { ...process.env, SOURCE_DATE_EPOCH: "1700000000" };

const mainSource = (message: string, extra = "") =>
  `#include <linux/module.h>\n#include "helper.h"\n${extra}\nstatic int __init multi_init(void)\n{\n` +
  `\tpr_info("multi: ${message} %d\\n", helper_value());\n\treturn 0;\n}\nstatic void __exit multi_exit(void)\n` +
  `{\n}\nmodule_init(multi_init);\nmodule_exit(multi_exit);\nMODULE_LICENSE("GPL");\n`;
const MULTI = {
  Kbuild: "obj-m += multi.o\nmulti-y := main.o helper.o\n",
  "main.c": mainSource("hello"),
  "helper.c": '#include "helper.h"\nint helper_value(void)\n{\n\treturn HELPER_BASE + 1;\n}\n',
  "helper.h": "#define HELPER_BASE 41\nint helper_value(void);\n",
};

function project(files: Record<string, string>): string {
  const dir = createModuleDir(files);
  dirs.push(dir);
  return dir;
}

// The make settings a project gives each kernel: ARCH= and CROSS_COMPILE= for a fetched foreign one.
const settings = (kernel: TestKernel) => makeSettingsFor({}, kernel);
const rebuild = async (dir: string, kernel: TestKernel, extra: NodeJS.ProcessEnv = {}) =>
  rebuildModules({ ...(await settings(kernel)), dir, kernel, environment: { ...environment, ...extra } });
const make = async (dir: string, kernel: TestKernel) => buildModules({ ...(await settings(kernel)), dir, kernel, environment });
const edit = (dir: string, file: string, text: string) => writeFileSync(join(dir, file), text);
const ko = (dir: string, name: string) => readFileSync(join(dir, name));
// A .cmd file with the project's dir taken out, to compare two copies.
const commandFile = (dir: string, name: string) => readFileSync(join(dir, name), "utf8").replaceAll(dir, "<dir>");

function expectPath(result: RebuildResult, path: "fast" | "make", fallback?: RegExp): void {
  expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
  expect(result.path, result.fallback).toBe(path);
  if (fallback) expect(result.fallback).toMatch(fallback);
}

// Two copies built once by make; each step edits both, rebuilds the first with the fast path and
// the second with make.
async function twoCopies(files: Record<string, string>, kernel: TestKernel): Promise<[string, string]> {
  const fast = project(files);
  const reference = project(files);
  expectPath(await rebuild(fast, kernel), "make", /no full make/);
  expect((await make(reference, kernel)).ok).toBe(true);
  return [fast, reference];
}

// watch's path for a board: arm64's recorded commands are the cross compiler's, and rerunning them gives
// make's .ko; 32-bit arm runs recordmcount outside them, so its rebuilds go to make, which says so.
describe.each([
  ["arm64", "fast", 183],
  ["armmp", "make", 40],
] as const)("fast rebuild of a cross build for the fetched %s kernel", (flavour, path, machine) => {
  it("builds the .ko make builds for an edited .c file, for the target's machine", async () => {
    const kernel = foreignKernel61(flavour);
    const [fast, reference] = await twoCopies(MULTI, kernel);
    for (const dir of [fast, reference]) edit(dir, "main.c", mainSource("edited"));
    expectPath(await rebuild(fast, kernel), path, path === "make" ? /runs recordmcount on each compiled object/ : undefined);
    expect((await make(reference, kernel)).upToDate).toBe(false);
    expect(ko(fast, "multi.ko").equals(ko(reference, "multi.ko"))).toBe(true);
    expect(parseElf(ko(fast, "multi.ko")).machine).toBe(machine);
  });
});

describe.each([
  ["6.1", kernel61],
  ["6.12", kernel612],
])("fast rebuild against %s (real kbuild)", (_series, kernel) => {
  it("builds the .ko and .cmd files make builds, for an edited .c file and an edited header of a multi-object module", async () => {
    const [fast, reference] = await twoCopies(MULTI, kernel());
    for (const [file, text] of [
      ["main.c", mainSource("edited")],
      ["helper.h", "#define HELPER_BASE 99\nint helper_value(void);\n"],
    ] as const) {
      for (const dir of [fast, reference]) edit(dir, file, text);
      const result = await rebuild(fast, kernel());
      expectPath(result, "fast");
      expect(result.artifacts.map((artifact) => artifact.module)).toEqual(["multi"]);
      expect((await make(reference, kernel())).upToDate).toBe(false);
      expect(ko(fast, "multi.ko").equals(ko(reference, "multi.ko")), file).toBe(true);
      for (const name of [".main.o.cmd", ".helper.o.cmd"]) expect(commandFile(fast, name), name).toBe(commandFile(reference, name));
    }
    // What the fast path left is what make would have left: make finds nothing to do.
    expect((await make(fast, kernel())).upToDate).toBe(true);
  });

  it("rebuilds the consumer of a two-module project fast and hands a change to the provider's exports to make", async () => {
    const files = {
      Kbuild: "obj-m += provider.o consumer.o\n",
      "provider.c": moduleSource(
        "provider",
        "int provider_value(void);\nint provider_value(void)\n{\n\treturn 7;\n}\nEXPORT_SYMBOL_GPL(provider_value);\n",
      ),
      "consumer.c": moduleSource(
        "consumer",
        'int provider_value(void);\nstatic int __used consumer_value(void)\n{\n\treturn provider_value();\n}\nMODULE_INFO(edit, "one");\n',
      ),
    };
    const [fast, reference] = await twoCopies(files, kernel());
    for (const dir of [fast, reference]) edit(dir, "consumer.c", files["consumer.c"].replace('"one"', '"two"'));
    expectPath(await rebuild(fast, kernel()), "fast");
    expect((await make(reference, kernel())).ok).toBe(true);
    for (const name of ["provider.ko", "consumer.ko"]) expect(ko(fast, name).equals(ko(reference, name)), name).toBe(true);

    for (const dir of [fast, reference]) edit(dir, "provider.c", files["provider.c"].replace("return 7", "return 8"));
    expectPath(await rebuild(fast, kernel()), "make", /provider\.o exports symbols/);
    expect((await make(reference, kernel())).ok).toBe(true);
    for (const name of ["provider.ko", "consumer.ko"]) expect(ko(fast, name).equals(ko(reference, name)), name).toBe(true);
  });
});

describe("fast rebuild falls back to make (real kbuild, 6.12)", () => {
  const kernel = kernel612;

  async function built(files: Record<string, string> = MULTI): Promise<string> {
    const dir = project(files);
    expectPath(await rebuild(dir, kernel()), "make", /no full make/);
    return dir;
  }

  it("for a new and for a removed source file", async () => {
    const dir = await built();
    edit(dir, "extra.h", "#define EXTRA 1\n");
    edit(dir, "main.c", mainSource("new file"));
    expectPath(await rebuild(dir, kernel()), "make", /extra\.h is new/);
    rmSync(join(dir, "extra.h"));
    edit(dir, "main.c", mainSource("removed file"));
    expectPath(await rebuild(dir, kernel()), "make", /extra\.h was removed/);
  });

  it("for a Kbuild or kforge.json change", async () => {
    const dir = await built();
    edit(dir, "Kbuild", `${MULTI.Kbuild}ccflags-y += -DKFORGE_EXTRA\n`);
    expectPath(await rebuild(dir, kernel()), "make", /Kbuild changed/);
    edit(dir, "kforge.json", "{}\n");
    edit(dir, "main.c", mainSource("config"));
    expectPath(await rebuild(dir, kernel()), "make", /kforge\.json is new/);
    edit(dir, "kforge.json", '{ "params": {} }\n');
    edit(dir, "main.c", mainSource("config changed"));
    expectPath(await rebuild(dir, kernel()), "make", /kforge\.json changed/);
  });

  it("for a header dependency it cannot check, and rebuilds fast for one it can", async () => {
    const shared = join(tmpdir(), `kforge-fast-shared-${process.pid}`);
    mkdirSync(shared, { recursive: true });
    dirs.push(shared);
    edit(shared, "helper.h", MULTI["helper.h"]);
    const { "helper.h": _moved, ...sources } = MULTI;
    const dir = await built({ ...sources, Kbuild: `${MULTI.Kbuild}ccflags-y += -I${shared}\n` });
    // Outside the module dir, but in the deps_ lists: an edit recompiles what includes it.
    edit(shared, "helper.h", "#define HELPER_BASE 5\nint helper_value(void);\n");
    expectPath(await rebuild(dir, kernel()), "fast");
    rmSync(join(shared, "helper.h"));
    // make decides; kbuild's empty rules for deps_ entries let it keep the objects.
    expectPath(await rebuild(dir, kernel()), "make", /helper\.h, which \w+\.o includes, is gone/);
  });

  it("for a compile error, which make then reports, and rebuilds fast once it is fixed", async () => {
    const dir = await built();
    edit(dir, "main.c", mainSource("broken").replace("return 0;", "return 0"));
    const broken = await rebuild(dir, kernel());
    expect(broken).toMatchObject({ ok: false, path: "make", fallback: expect.stringMatching(/compile failed/) });
    expect(broken.diagnostics.some((diagnostic) => diagnostic.severity === "error" && diagnostic.file === "main.c")).toBe(true);
    edit(dir, "main.c", mainSource("fixed"));
    expectPath(await rebuild(dir, kernel()), "fast");
    expect(ko(dir, "multi.ko").includes("multi: fixed")).toBe(true);
  });

  it("for a changed set of undefined or exported symbols", async () => {
    const dir = await built();
    edit(dir, "main.c", mainSource("sleepy", "#include <linux/delay.h>\nstatic void __used nap(void)\n{\n\tmsleep(1);\n}\n"));
    expectPath(await rebuild(dir, kernel()), "make", /symbols multi\.o needs or exports changed/);
    edit(dir, "main.c", mainSource("exporting", "int multi_export(void)\n{\n\treturn 1;\n}\nEXPORT_SYMBOL(multi_export);\n"));
    expectPath(await rebuild(dir, kernel()), "make", /main\.o exports symbols/);
  });

  it("for a missing .cmd file, other flags and another kernel's build in the same dir", async () => {
    const dir = await built();
    rmSync(join(dir, ".main.o.cmd"));
    edit(dir, "main.c", mainSource("no cmd"));
    expectPath(await rebuild(dir, kernel()), "make", /\.main\.o\.cmd, where kbuild recorded a command, is missing/);
    edit(dir, "main.c", mainSource("flags"));
    expectPath(await rebuild(dir, kernel(), { KCFLAGS: "-DKFORGE_FLAG" }), "make", /make flags or build environment changed/);
    expectPath(await rebuild(dir, kernel61()), "make", /no full make/);
    edit(dir, "main.c", mainSource("other kernel"));
    expectPath(await rebuild(dir, kernel(), { KCFLAGS: "-DKFORGE_FLAG" }), "make", /command recorded in \S+ changed/);
  });

  it("works in a matrix build's mirror tree, and falls back there for a new file", async () => {
    const [fast, reference] = [project(MULTI), project(MULTI)];
    const mirror = async (dir: string) => refreshMirror(dir, kernel().release);
    expectPath(await rebuild(await mirror(fast), kernel()), "make", /no full make/);
    expect((await make(await mirror(reference), kernel())).ok).toBe(true);
    for (const dir of [fast, reference]) edit(dir, "main.c", mainSource("mirrored"));
    expectPath(await rebuild(await mirror(fast), kernel()), "fast");
    expect((await make(await mirror(reference), kernel())).ok).toBe(true);
    expect(ko(await mirror(fast), "multi.ko").equals(ko(await mirror(reference), "multi.ko"))).toBe(true);
    edit(fast, "notes.h", "\n");
    expectPath(await rebuild(await mirror(fast), kernel()), "make", /notes\.h is new/);
  });
});
