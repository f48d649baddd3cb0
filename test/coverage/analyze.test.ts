// The host half on a real build (real kbuild against the debug kernel with GCOV_PROFILE=y, real gcov):
// a module that never loaded reads as never run; counters of another build (the fixture's, captured
// from a guest) are refused with the reason; notes of another GCC and an uninstrumented build too.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCoverage } from "../../src/coverage/analyze.js";
import { runKforge } from "../helpers/cli.js";
import { gcovKernel } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-coverage-analyze-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const debug = gcovKernel();
const gcov = { command: "gcov-12", gccMajor: 12 };
const capturedCounters = readFileSync(new URL("../fixtures/coverage/twofunc.gcda", import.meta.url));

async function buildCopy(name: string, variables: string[]): Promise<string> {
  const dir = join(root, name);
  cpSync(new URL("../fixtures/coverage-project/", import.meta.url).pathname, dir, { recursive: true });
  const built = await runKforge(["build", dir, "--kernel", debug.release, "--", ...variables], { timeoutMs: 300_000 });
  expect(built.exitCode, built.stderr).toBe(0);
  return dir;
}

const analyze = (dir: string, counters: Map<string, Buffer>) =>
  analyzeCoverage({ release: debug.release, buildDir: dir, dir, objects: ["twofunc"], counters, gcov });

describe("analyzeCoverage on a real build", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await buildCopy("instrumented", ["GCOV_PROFILE=y"]);
  }, 300_000);

  it("reads a module that never loaded as never run", async () => {
    const { files, totals } = await analyze(dir, new Map());
    expect(files.map((file) => file.path)).toEqual(["twofunc.c"]);
    expect(files[0]!.functionList.map((item) => [item.name, item.calls])).toEqual([
      ["add_value", 0],
      ["reset_total", 0],
    ]);
    expect(totals).toEqual({ lines: { hit: 0, total: 11 }, functions: { hit: 0, total: 2 }, branches: { hit: 0, total: 4 }, percent: 0 });
  });

  it("refuses counters from another build of the module, saying it was rebuilt", async () => {
    await expect(analyze(dir, new Map([["twofunc", capturedCounters]]))).rejects.toThrow(
      new RegExp(
        String.raw`^twofunc\.gcda does not match twofunc\.gcno \(stamp 0x[0-9a-f]{8} ` +
          String.raw`against 0x[0-9a-f]{8}\): the module was rebuilt after the guest loaded it$`,
      ),
    );
  });

  it("refuses notes another GCC wrote, before running gcov", async () => {
    const notes = readFileSync(join(dir, "twofunc.gcno"));
    const copy = join(root, "other-gcc");
    cpSync(dir, copy, { recursive: true });
    // "B32*": GCC 13.2.
    notes.writeUInt32LE(0x4233322a, 4);
    writeFileSync(join(copy, "twofunc.gcno"), notes);
    await expect(analyze(copy, new Map())).rejects.toThrow(
      "twofunc.gcno was written by GCC 13, but gcov-12 is GCC 12's and reads only its own",
    );
  });

  it("says when the module was built without gcov", async () => {
    const plain = await buildCopy("plain", []);
    await expect(analyze(plain, new Map())).rejects.toThrow(
      `${join(plain, "twofunc.gcno")} is missing: twofunc.o was built without gcov instrumentation`,
    );
  }, 300_000);
});
