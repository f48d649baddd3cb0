// A module's ELF machine against a kernel's architecture (the check a guest of another architecture needs).
import { describe, expect, it } from "vitest";
import { moduleMachineProblem } from "../../src/module/machine.js";

describe("module machine", () => {
  it("accepts a module of the kernel's machine and names both when they differ", () => {
    expect(moduleMachineProblem({ name: "hello", machine: 183 }, "arm64")).toBeUndefined();
    expect(moduleMachineProblem({ name: "hello", machine: 62 }, "x86_64")).toBeUndefined();
    expect(moduleMachineProblem({ name: "hello", machine: 183 }, "x86_64")).toBe(
      'hello is built for aarch64, and the kernel is x86_64: loading it would fail with "Invalid module format"',
    );
    expect(moduleMachineProblem({ name: "hello", machine: 62 }, "arm")).toMatch(/hello is built for x86_64, and the kernel is arm:/);
    expect(moduleMachineProblem({ name: "hello", machine: 9999 }, "arm64")).toMatch(/built for machine 9999/);
    expect(moduleMachineProblem({ name: "hello", machine: 183 }, "riscv")).toBeUndefined();
  });
});
