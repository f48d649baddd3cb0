// kforge dkms check on the shapes real packages have: names and locations built from $PACKAGE_NAME
// and ${kernelver}, modules in subfolders, a build that lives in kforge's per-kernel trees, and a
// dkms.conf.in template the project generates dkms.conf from.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readShellValues } from "../../src/config/shell-assignments.js";
import { checkDkmsConf } from "../../src/dkms/check.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "../kbuild/modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const DKMS_CONF = [
  'PACKAGE_NAME="demo"',
  'PACKAGE_VERSION="1.4"',
  'BUILT_MODULE_NAME[0]="$PACKAGE_NAME"',
  'BUILT_MODULE_LOCATION[0]="src/"',
  'BUILT_MODULE_NAME[1]="${PACKAGE_NAME}_core"',
  'BUILT_MODULE_LOCATION[1]="./src/core"',
  'DEST_MODULE_LOCATION[0]="/updates/dkms"',
  'MAKE[0]="make -C ${kernel_source_dir} M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build"',
  "",
].join("\n");

describe("dkms check, pure", () => {
  it("expands $PACKAGE_NAME and ${kernelver} in names and locations", () => {
    const values = readShellValues(
      'PACKAGE_NAME=demo\nPACKAGE_VERSION=2\nBUILT_MODULE_NAME[0]="${PACKAGE_NAME}_drv"\nBUILT_MODULE_LOCATION[0]="out/${kernelver}/"\n',
    );
    expect(checkDkmsConf({ values, built: [{ name: "demo_drv", location: "out/6.1.0-850-amd64" }], kernelver: "6.1.0-850-amd64" })).toEqual(
      {
        problems: [],
        notes: [],
      },
    );
    // Without a kernel to stand in for ${kernelver}, the location cannot be compared: a note, not a problem.
    expect(checkDkmsConf({ values, built: [{ name: "demo_drv", location: "out/x" }] })).toEqual({
      problems: [],
      notes: ['BUILT_MODULE_LOCATION[0] is "out/${kernelver}/", which uses a variable DKMS sets at build time'],
    });
  });

  it("notes what shell logic or template placeholders hide, instead of calling it wrong", () => {
    const values = readShellValues(
      'PACKAGE_NAME=demo\nPACKAGE_VERSION="@VERSION@"\nif [ -n "$x" ]; then BUILT_MODULE_NAME[0]=a; fi\nBUILT_MODULE_NAME[1]=b\n',
    );
    const result = checkDkmsConf({
      values,
      built: [
        { name: "a", location: "." },
        { name: "b", location: "." },
      ],
    });
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([
      'PACKAGE_VERSION is "@VERSION@", a placeholder the project fills in when it generates dkms.conf',
      "BUILT_MODULE_NAME[0] cannot be checked: it is set under the shell `if` at line 3",
    ]);
  });
});

describe("kforge dkms check", () => {
  // Sources in src/ and src/core/, built for both kernels at once: the modules exist only in the trees.
  const dir = createModuleDir({ Kbuild: "obj-m += src/\n", "dkms.conf": DKMS_CONF });
  dirs.push(dir);
  mkdirSync(join(dir, "src", "core"), { recursive: true });
  writeFileSync(join(dir, "src", "Kbuild"), "obj-m += demo.o core/\n");
  writeFileSync(join(dir, "src", "demo.c"), moduleSource("demo"));
  writeFileSync(join(dir, "src", "core", "Kbuild"), "obj-m += demo_core.o\n");
  writeFileSync(join(dir, "src", "core", "demo_core.c"), moduleSource("demo_core"));

  it("finds modules in subfolders of the kernels' trees, with $PACKAGE_NAME names", async () => {
    const build = await runKforge(["build", dir, "-k", kernel61().release, "-k", kernel612().release], { timeoutMs: 300_000 });
    expect(build.exitCode, build.stderr).toBe(0);
    const check = await runKforge(["dkms", "check", dir]);
    expect(check.stderr).toBe("");
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/^dkms\.conf matches the modules the project builds \(built for \S+ in \.kforge\/build\/\S+\/\)\n$/);
  }, 300_000);

  it("checks a dkms.conf.in template when the project generates dkms.conf, and says so", async () => {
    renameSync(join(dir, "dkms.conf"), join(dir, "dkms.conf.in"));
    writeFileSync(join(dir, "dkms.conf.in"), DKMS_CONF.replace('PACKAGE_VERSION="1.4"', 'PACKAGE_VERSION="@PACKAGE_VERSION@"'));
    const check = await runKforge(["dkms", "check", dir]);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stderr).toBe(
      "kforge: there is no dkms.conf: checking dkms.conf.in, the template the project generates dkms.conf from; " +
        "generate it and check again for placeholders\n" +
        'dkms.conf.in: note: PACKAGE_VERSION is "@PACKAGE_VERSION@", a placeholder the project fills in when it generates dkms.conf\n',
    );
    writeFileSync(join(dir, "dkms.conf.in"), DKMS_CONF.replace("src/core", "core"));
    const wrong = await runKforge(["dkms", "check", dir]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('dkms.conf.in: BUILT_MODULE_LOCATION[1] is "core" but demo_core.ko is built in "src/core"');
  });
});
