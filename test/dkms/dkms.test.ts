// kforge dkms init/check on a real kbuild build: the generated dkms.conf matches, and check finds a
// missing module, a module never built and a wrong BUILT_MODULE_LOCATION, by reading the file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readShellValues } from "../../src/config/shell-assignments.js";
import { checkDkmsConf } from "../../src/dkms/check.js";
import { parseDkmsConf } from "../../src/dkms/dkms-conf.js";
import { kernelRangePattern } from "../../src/dkms/kernel-pattern.js";
import { buildFixtureModules, type BuiltModules } from "../helpers/build-fixture-modules.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

let built: BuiltModules;
beforeAll(() => {
  built = buildFixtureModules(kernel61().kdir, ["provider"]);
});
afterAll(() => built?.cleanup());

describe("kforge dkms", () => {
  it("init writes a dkms.conf matching the build and gates, refuses to overwrite it, and check accepts it", async () => {
    const dir = join(built.root, "provider");
    writeFileSync(
      join(dir, "kforge.json"),
      JSON.stringify({ package: { version: "1.2" }, gates: { minKernel: "5.15", arch: ["x86_64"], config: ["CONFIG_MODULES"] } }),
    );
    expect((await runKforge(["dkms", "init", dir])).exitCode).toBe(0);
    const values = parseDkmsConf(readFileSync(join(dir, "dkms.conf"), "utf8"));
    expect(values.get("PACKAGE_NAME")).toBe("provider");
    expect(values.get("PACKAGE_VERSION")).toBe("1.2");
    expect(values.get("BUILT_MODULE_NAME[0]")).toBe("provider");
    expect(values.get("BUILD_EXCLUSIVE_KERNEL")).toBe(kernelRangePattern("5.15", undefined));
    expect(values.has("BUILD_EXCLUSIVE_KERNEL_MIN")).toBe(false);
    expect(values.get("BUILD_EXCLUSIVE_ARCH")).toBe("^(x86_64)$");
    expect(values.get("AUTOINSTALL")).toBe("yes");
    const again = await runKforge(["dkms", "init", dir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("already exists");
    const check = await runKforge(["dkms", "check", dir]);
    expect(check.exitCode).toBe(0);
  });

  it("check reports what does not match, exit 1", async () => {
    const dir = join(built.root, "provider");
    writeFileSync(join(dir, "dkms.conf"), 'PACKAGE_NAME="p"\nPACKAGE_VERSION="1"\nBUILT_MODULE_NAME[0]="ghost"\n');
    const check = await runKforge(["dkms", "check", dir]);
    expect(check.exitCode).toBe(1);
    expect(check.stderr).toContain("the Kbuild builds provider.ko but dkms.conf lists no BUILT_MODULE_NAME for it");
    expect(check.stderr).toContain("BUILT_MODULE_NAME[0] is ghost, which the Kbuild never builds");
  });

  it("finds a wrong BUILT_MODULE_LOCATION", () => {
    const values = readShellValues('PACKAGE_NAME=p\nPACKAGE_VERSION=\'1\'\nBUILT_MODULE_NAME[0]="a"\nBUILT_MODULE_LOCATION[0]="src/"\n');
    expect(checkDkmsConf({ values, built: [{ name: "a", location: "src" }] }).problems).toEqual([]);
    expect(checkDkmsConf({ values, built: [{ name: "a", location: "." }] }).problems).toEqual([
      'BUILT_MODULE_LOCATION[0] is "src" but a.ko is built in "."',
    ]);
  });
});
