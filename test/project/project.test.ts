// The one place that decides ARCH= and CROSS_COMPILE= for a kernel, on the real trees: a fetched arm64 or
// armmp tree brings its own, a native tree none, and what the user set wins.
import { describe, expect, it } from "vitest";
import { makeSettingsFor } from "../../src/project/project.js";
import { foreignKernel61, kernel61 } from "../helpers/kernels.js";

describe("makeSettingsFor", () => {
  it("takes ARCH and CROSS_COMPILE from a foreign tree, and leaves a native tree's settings alone", async () => {
    expect(await makeSettingsFor({ jobs: 2 }, kernel61())).toEqual({ jobs: 2, arch: undefined, crossCompile: undefined });
    expect(await makeSettingsFor({}, foreignKernel61("arm64"))).toMatchObject({ arch: "arm64", crossCompile: "aarch64-linux-gnu-" });
    expect(await makeSettingsFor({}, foreignKernel61("armmp"))).toMatchObject({ arch: "arm", crossCompile: "arm-linux-gnueabihf-" });
  });

  it("keeps a prefix the user set by flag or make variable, and gives clang none", async () => {
    const arm64 = foreignKernel61("arm64");
    expect(await makeSettingsFor({ crossCompile: "/opt/x/aarch64-none-linux-gnu-" }, arm64)).toMatchObject({
      arch: "arm64",
      crossCompile: "/opt/x/aarch64-none-linux-gnu-",
    });
    expect(await makeSettingsFor({ variables: ["CROSS_COMPILE=my-"] }, arm64)).toMatchObject({ arch: "arm64", crossCompile: undefined });
    expect(await makeSettingsFor({ llvm: true }, arm64)).toMatchObject({ arch: "arm64", crossCompile: undefined });
  });
});
