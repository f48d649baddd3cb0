// The architecture table: Debian flavours, kernel configs, ARCH= spellings and ELF machines agree.
import { describe, expect, it } from "vitest";
import {
  archFromConfig,
  architectureNamed,
  archMatches,
  foreignArchitectureOf,
  hostArchitecture,
  parseDebianRelease,
  releaseArchitecture,
} from "../../src/kernel/architecture.js";
import { parseKernelConfig, readKernelConfig } from "../../src/kernel/kernel-config.js";
import { foreignKernel61, kernel61, kernel612 } from "../helpers/kernels.js";

describe("architectures", () => {
  it("reads the architecture from a kernel config", () => {
    expect(archFromConfig(parseKernelConfig("CONFIG_X86=y\nCONFIG_X86_64=y\n"))).toBe("x86_64");
    expect(archFromConfig(parseKernelConfig("CONFIG_X86=y\n# CONFIG_X86_64 is not set\n"))).toBe("i386");
    expect(archFromConfig(parseKernelConfig("CONFIG_ARM64=y\n"))).toBe("arm64");
    expect(archFromConfig(parseKernelConfig("CONFIG_RISCV=y\n"))).toBe("riscv");
    expect(archFromConfig(parseKernelConfig("CONFIG_LOONGARCH=y\n"))).toBe("loongarch");
    expect(archFromConfig(parseKernelConfig("CONFIG_MODULES=y\n"))).toBeUndefined();
  });

  it("finds each Debian tree's architecture in its config, and the flavour says the same", async () => {
    const trees = [
      [kernel61(), "x86_64"],
      [kernel612(), "x86_64"],
      [foreignKernel61("arm64"), "arm64"],
      [foreignKernel61("armmp"), "arm"],
    ] as const;
    for (const [tree, arch] of trees) {
      expect(archFromConfig((await readKernelConfig(tree.kdir))!)).toBe(arch);
      const found = releaseArchitecture(tree.release);
      expect(found.kind === "known" && found.architecture.name).toBe(arch);
    }
  });

  it("splits Debian releases into version and flavour", () => {
    expect(parseDebianRelease("6.1.0-850-armmp-lpae")).toEqual({ version: "6.1.0-850", flavour: "armmp-lpae" });
    expect(parseDebianRelease("6.12.850+deb12-rt-arm64")).toEqual({ version: "6.12.850+deb12", flavour: "rt-arm64" });
    expect(parseDebianRelease("6.12.850-kforge")).toBeUndefined();
    expect(parseDebianRelease("6.13.0")).toBeUndefined();
  });

  it("knows the ports kforge builds for, refuses other Debian ports, and leaves other names to the host", () => {
    expect(releaseArchitecture("6.1.0-850-armmp")).toMatchObject({ kind: "known", architecture: { debian: "armhf", make: "arm" } });
    expect(releaseArchitecture("6.1.0-850-cloud-arm64")).toMatchObject({ kind: "known", architecture: { gnuType: "aarch64-linux-gnu" } });
    expect(releaseArchitecture("6.1.0-850-powerpc64le")).toEqual({ kind: "unsupported", debian: "ppc64el" });
    expect(releaseArchitecture("6.8.0-850-generic")).toEqual({ kind: "unknown" });
    expect(foreignArchitectureOf("6.1.0-850-arm64")?.name).toBe("arm64");
    expect(foreignArchitectureOf("6.1.0-850-amd64")).toBeUndefined();
    expect(foreignArchitectureOf("6.1.0-850-amd64", hostArchitecture("arm64"))?.name).toBe("x86_64");
  });

  it("matches kbuild's ARCH names and Debian's and GCC's spellings", () => {
    expect(["x86", "x86_64", "amd64"].map((arch) => archMatches(arch, "x86_64"))).toEqual([true, true, true]);
    expect(["arm64", "aarch64", "i386", "riscv"].map((arch) => archMatches(arch, "x86_64"))).toEqual([false, false, false, false]);
    expect(archMatches("aarch64", "arm64")).toBe(true);
    expect(archMatches("armhf", "arm")).toBe(true);
    expect(architectureNamed("armhf")?.elfMachine).toBe(40);
    expect(hostArchitecture("x64")?.name).toBe("x86_64");
    expect(hostArchitecture("mips")).toBeUndefined();
  });
});
