// Whether a tree's kbuild helpers run here: read from the real programs of this machine's linux-kbuild
// (linked into the fetched arm64 tree) and of the arm64 busybox kernel fetch unpacked.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostArchitecture } from "../../src/kernel/architecture.js";
import { foreignHelper, readHelperMachines } from "../../src/kernel/kbuild-helpers.js";
import { elfHeaderMachine } from "../../src/module/elf.js";
import { foreignKernel61, kernel61 } from "../helpers/kernels.js";

describe("kbuild helpers", () => {
  it("finds this machine's fixdep and modpost in the installed and the fetched trees", async () => {
    for (const tree of [kernel61(), foreignKernel61("arm64"), foreignKernel61("armmp")]) {
      const helpers = await readHelperMachines(tree.kdir);
      expect(helpers.map((helper) => helper.machine)).toEqual([62, 62]);
      expect(foreignHelper(helpers, hostArchitecture("x64"))).toBeUndefined();
    }
  });

  it("names a helper built for another machine", async () => {
    const busybox = join(foreignKernel61("arm64").kdir, "..", "bin", "busybox");
    const helpers = [{ path: busybox, machine: elfHeaderMachine(readFileSync(busybox)) }];
    expect(foreignHelper(helpers, hostArchitecture("x64"))).toBe(
      `${busybox} is a program for aarch64, which cannot run on this x86_64 machine`,
    );
    expect(foreignHelper(helpers, hostArchitecture("arm64"))).toBeUndefined();
    expect(foreignHelper([{ path: "scripts/mod/modpost", machine: undefined }], hostArchitecture("x64"))).toBeUndefined();
  });
});
