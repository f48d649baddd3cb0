// No-op detection with real builds: nothing changed -> make skipped; any input changed -> rebuilt.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildModules, type BuildOptions, type KernelBuildResult } from "../../src/kbuild/build-modules.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

let dir: string;
beforeAll(() => {
  dir = createModuleDir({ Kbuild: "obj-m += fp.o\n", "fp.h": "#define FP 1\n", "fp.c": moduleSource("fp", '#include "fp.h"\n') });
});
afterAll(() => removeDir(dir));

async function build(extra: Partial<BuildOptions> = {}): Promise<{ result: KernelBuildResult; compiled: boolean }> {
  let compiled = false;
  const result = await buildModules({
    dir,
    kernel: kernel61(),
    onEvent: (event) => (compiled ||= event.kind === "step" && event.target === "fp.o"),
    ...extra,
  });
  expect(result.ok).toBe(true);
  return { result, compiled };
}

describe("fingerprint", () => {
  it("skips make when nothing changed and returns the recorded artifacts", async () => {
    const first = await build();
    expect(first.result.upToDate).toBe(false);
    const second = await build();
    expect(second.result.upToDate).toBe(true);
    expect(second.compiled).toBe(false);
    expect(second.result.artifacts).toEqual(first.result.artifacts);
    expect(second.result.exitCode).toBe(0);
  });

  it.each([
    ["a source", () => appendFileSync(join(dir, "fp.c"), "/* edited */\n")],
    ["a header", () => writeFileSync(join(dir, "fp.h"), "#define FP 2\n")],
    ["the Kbuild file", () => appendFileSync(join(dir, "Kbuild"), "# edited\n")],
  ])("rebuilds after a change to %s", async (_what, change) => {
    await build();
    change();
    const after = await build();
    expect(after.result.upToDate).toBe(false);
    expect((await build()).result.upToDate).toBe(true);
  });

  it("rebuilds when a flag changes, and --force always runs make", async () => {
    await build();
    expect((await build({ warnings: 1 })).result.upToDate).toBe(false);
    expect((await build({ warnings: 1 })).result.upToDate).toBe(true);
    expect((await build({ warnings: 1, force: true })).result.upToDate).toBe(false);
  });

  it("rebuilds for another kernel, and again when switching back (the .ko was replaced)", async () => {
    await build();
    const other = await build({ kernel: kernel612() });
    expect(other.result.upToDate).toBe(false);
    expect(other.result.artifacts[0]!.vermagic!.startsWith(kernel612().release)).toBe(true);
    const back = await build();
    expect(back.result.upToDate).toBe(false);
    expect(back.result.artifacts[0]!.vermagic!.startsWith(kernel61().release)).toBe(true);
  });

  it("replays recorded warnings, so --werror still fails an up-to-date build", async () => {
    appendFileSync(join(dir, "fp.c"), "static void fp_unused(void) { int unused; }\n");
    const warned = await build();
    expect(warned.result.diagnostics.some((diagnostic) => diagnostic.severity === "warning")).toBe(true);
    const strict = await buildModules({ dir, kernel: kernel61(), werror: true });
    expect(strict.upToDate).toBe(true);
    expect(strict.ok).toBe(false);
  });
});
