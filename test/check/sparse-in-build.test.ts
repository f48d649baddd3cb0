import { describe, expect, it } from "vitest";
import {
  canRunInBuild,
  concernsSparse,
  isSparseLine,
  parseSparseInBuild,
  sparseBuildVariables,
} from "../../src/check/sparse-in-build.js";
import { createKbuildOutputParser } from "../../src/kbuild/parse-output.js";
import { readFixture } from "../helpers/fixtures.js";

const lines = readFixture("check/sparse-in-build-6.12.txt").split("\n");

describe("sparse inside the W=1 build", () => {
  it("tells sparse's tagged lines from the compiler's in one real build: each checker gets only its own finding", () => {
    const sparse = parseSparseInBuild(lines.filter(concernsSparse), "/tmp/ck/seeded");
    expect(sparse.findings.map((finding) => [finding.file, finding.line, finding.column, finding.severity, finding.message])).toEqual([
      ["seeded.c", 15, 17, "warning", "dereference of noderef expression"],
    ]);
    expect(sparse.otherLines).toEqual([]);
    expect(sparse.failedObjects).toEqual([]);
    const build = createKbuildOutputParser("/tmp/ck/seeded");
    for (const line of lines.filter((line) => !isSparseLine(line))) build.parseLine(line);
    expect(build.diagnostics().map((diagnostic) => [diagnostic.file, diagnostic.line, diagnostic.flag ?? diagnostic.origin])).toEqual([
      ["seeded.c", 31, "-Wunused-but-set-variable"],
    ]);
  });

  it("joins sparse's detail lines to their warning, as without the tag", () => {
    const sparse = parseSparseInBuild(
      [
        "  CHECK   /m/a.c",
        "/m/a.c:3:27: kforge-sparse: warning: incorrect type in argument 1 (different address spaces)",
        "/m/a.c:3:27: kforge-sparse:    expected int *p",
        "/m/a.c:3:27: kforge-sparse:    got int [noderef] __user *q",
        "kforge-sparse: No such file: b.c",
      ],
      "/m",
    );
    expect(sparse.findings.map((finding) => [finding.file, finding.line, finding.column, finding.rule, finding.message])).toEqual([
      [
        "a.c",
        3,
        27,
        "incorrect-type-in-argument-different-address-spaces",
        "incorrect type in argument 1 (different address spaces); expected int *p; got int [noderef] __user *q",
      ],
    ]);
    expect(sparse.otherLines).toEqual(["No such file: b.c"]);
  });

  it("counts a failed recipe as sparse's only when sparse had started on that file (C=1 checks after compiling)", () => {
    const sparse = parseSparseInBuild(
      [
        "  CHECK   /m/a.c",
        "make[2]: *** [scripts/Makefile.build:244: /m/a.o] Error 139",
        "make[2]: *** [scripts/Makefile.build:244: /m/b.o] Error 1",
      ].filter(concernsSparse),
      "/m",
    );
    expect(sparse.failedObjects).toEqual([{ object: "/m/a", exitCode: 139 }]);
  });

  it("keeps the user's CF and leaves a CHECK= of the user's to its own pass", () => {
    expect(sparseBuildVariables(["KCFLAGS=-DX"])).toEqual(["C=1", "CF=-fdiagnostic-prefix=kforge-sparse"]);
    expect(sparseBuildVariables(["CF=-Wsparse-all", "CF=-D__CHECK_ENDIAN__"])).toEqual([
      "C=1",
      "CF=-D__CHECK_ENDIAN__ -fdiagnostic-prefix=kforge-sparse",
    ]);
    expect(canRunInBuild(["CF=-Wsparse-all"])).toBe(true);
    expect(canRunInBuild(["CHECK=/opt/smatch/smatch"])).toBe(false);
  });
});
