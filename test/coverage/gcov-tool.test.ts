// Which gcov reads a kernel's module coverage: candidates from CONFIG_CC_VERSION_TEXT, the pick by GCC
// major, and the error naming what was found instead; then the real lookup on this machine's kernels.
import { describe, expect, it } from "vitest";
import { findGcov, gcovCandidates, pickGcov } from "../../src/coverage/gcov-tool.js";
import { readKernelConfig } from "../../src/kernel/kernel-config.js";
import { kernel612 } from "../helpers/kernels.js";

describe("gcovCandidates", () => {
  it("turns the kernel's compiler into gcov commands, most specific first", () => {
    expect(gcovCandidates("gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0")).toEqual(["gcov-12", "gcov"]);
    expect(gcovCandidates("x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0")).toEqual([
      "x86_64-linux-gnu-gcov-12",
      "gcov-12",
      "gcov",
    ]);
    expect(gcovCandidates("gcc (Debian 12.2.0-14+deb12u1) 12.2.0")).toEqual(["gcov-12", "gcov"]);
  });
});

describe("pickGcov", () => {
  const gcov12 = { command: "gcov-12", banner: "gcov (Debian 12.2.0-14+deb12u1) 12.2.0" };
  const gcov13 = { command: "gcov", banner: "gcov (Debian 13.2.0-25) 13.2.0" };

  it("takes the first gcov of the kernel's GCC major", () => {
    expect(pickGcov(12, [gcov13, gcov12], "r")).toEqual({ command: "gcov-12", gccMajor: 12 });
  });

  it("refuses a gcov of another major, naming it and the package to install", () => {
    expect(() => pickGcov(12, [gcov13], "6.12.1-kforge-debug")).toThrow(
      "no gcov of GCC 12, which built 6.12.1-kforge-debug: gcov is GCC 13's, and gcov reads only the files of its own GCC major",
    );
    try {
      pickGcov(12, [], "r");
    } catch (error) {
      expect((error as Error).message).toBe("no gcov found for GCC 12, which built r");
      expect((error as { hint: string }).hint).toContain("apt-get install gcc-12");
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe("findGcov on this machine", () => {
  it("finds the gcov of GCC 12 for Debian's 6.12 kernel (x86_64-linux-gnu-gcc-12)", async () => {
    const kernel = kernel612();
    const gcov = await findGcov(await readKernelConfig(kernel.kdir), kernel.release);
    expect(gcov).toEqual({ command: "x86_64-linux-gnu-gcov-12", gccMajor: 12 });
  });

  it("refuses a clang-built kernel and one that does not say its compiler", async () => {
    await expect(
      findGcov(
        new Map([
          ["CONFIG_CC_IS_CLANG", "y"],
          ["CONFIG_CC_VERSION_TEXT", "clang 16"],
        ]),
        "r",
      ),
    ).rejects.toThrow("coverage reads GCC's gcov data, but r was built with clang 16");
    await expect(findGcov(new Map(), "r")).rejects.toThrow("does not say which compiler built it");
  });
});
