import { describe, expect, it } from "vitest";
import { which } from "../../src/process/exec.js";

describe("which", () => {
  it("finds a program on PATH, and takes a name with a slash as a path (CHECK=/opt/bin/sparse)", async () => {
    expect(await which("sh")).toMatch(/\/sh$/);
    expect(await which("/bin/sh")).toBe("/bin/sh");
    expect(await which("/nonexistent/sparse")).toBeUndefined();
    expect(await which("kforge-no-such-program")).toBeUndefined();
  });
});
