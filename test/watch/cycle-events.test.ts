// Pure: the build-end and kernel-log events of a watch cycle.
import { describe, expect, it } from "vitest";
import { buildEndEvent, kernelLogEvent } from "../../src/watch/cycle-events.js";

const step = (kernelLog: string[], kernelLogDropped?: number) => ({
  result: { name: "insmod hello", kind: "load" as const, ok: true, durationMs: 5, output: "", kernelLog, kernelLogDropped },
});

describe("kernelLogEvent", () => {
  it("is undefined for a step that logged nothing", () => expect(kernelLogEvent(step([]), "/log")).toBeUndefined());

  it("explains the lines it can, and names the console log only when lines were dropped", () => {
    const lines = ["hello: loading out-of-tree module taints kernel.", "hello: hello world"];
    const event = kernelLogEvent(step(lines), "/run/console.log");
    expect(event).toMatchObject({ event: "kernel-log", lines, explanations: [{ line: lines[0] }] });
    expect(event).not.toHaveProperty("consoleLog");
    expect(kernelLogEvent(step(lines, 40), "/run/console.log")).toMatchObject({ dropped: 40, consoleLog: "/run/console.log" });
  });
});

describe("buildEndEvent", () => {
  it("rounds the duration and says why make ran when the fast path fell back", () => {
    const build = {
      release: "r",
      kdir: "/k",
      ok: true,
      upToDate: false,
      durationMs: 1234.6,
      artifacts: [],
      diagnostics: [],
      log: "/mod/.kforge/logs/r/build.log",
      exitCode: 0,
      interrupted: false,
      path: "make" as const,
      fallback: "a new source file",
    };
    expect(buildEndEvent(build)).toEqual({
      event: "build-end",
      ok: true,
      upToDate: false,
      path: "make",
      fallback: "a new source file",
      durationMs: 1235,
      log: "/mod/.kforge/logs/r/build.log",
      diagnostics: [],
    });
    expect(buildEndEvent({ ...build, path: "fast", fallback: undefined })).not.toHaveProperty("fallback");
  });
});
