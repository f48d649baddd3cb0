import { describe, expect, it } from "vitest";
import { ARTIFACTS_LIMIT_BYTES } from "../../../src/vm/artifacts/collect.js";
import { toArtifactsResult } from "../../../src/vm/artifacts/result.js";
import type { StepResult, VmResult } from "../../../src/vm/report.js";

const where = { release: "6.1.0-test", dir: "/p/.kforge/vm-out/6.1.0-test" };
const step = (name: string, ok: boolean): StepResult => ({ name, kind: "exec", ok, durationMs: 1, output: "", kernelLog: [] });
const run = (facts: Partial<VmResult>) => ({ steps: [], crashes: [], end: "completed" as const, ...facts });
const collected = { files: [{ path: "junit.xml", bytes: 12 }], refused: [], bytes: 12, listed: 1 };

describe("toArtifactsResult", () => {
  it("reports a whole copy after steps that passed", () => {
    expect(toArtifactsResult(where, collected, run({ steps: [step("a", true)] }))).toEqual({
      ...where,
      limitBytes: ARTIFACTS_LIMIT_BYTES,
      status: "collected",
      partial: false,
      ...collected,
    });
  });

  it("marks the copy partial after a failed step, a crash, or a copy that stopped", () => {
    expect(toArtifactsResult(where, collected, run({ steps: [step("make test", false)] }))).toMatchObject({
      partial: true,
      partialReason: '"make test" failed',
    });
    const crash = { kind: "oops", title: "BUG: kernel NULL pointer dereference", step: "insmod x" } as VmResult["crashes"][number];
    expect(toArtifactsResult(where, collected, run({ crashes: [crash] }))).toMatchObject({
      partialReason: 'the kernel reported BUG: kernel NULL pointer dereference during "insmod x"',
    });
    expect(toArtifactsResult(where, { ...collected, stopped: "copying a did not finish" }, run({}))).toMatchObject({
      partial: true,
      partialReason: "the copy stopped: copying a did not finish",
    });
  });

  it("says why nothing was copied when the run ended first", () => {
    expect(toArtifactsResult(where, undefined, run({ end: "panic", diagnosis: 'the kernel panicked during "x"' }))).toEqual({
      ...where,
      limitBytes: ARTIFACTS_LIMIT_BYTES,
      status: "not-collected",
      reason: 'the kernel panicked during "x", before the copy',
    });
  });
});
