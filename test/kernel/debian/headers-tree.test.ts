// Making Debian's headers a tree that works from kforge's cache: the rewrites, on the real package files.
import { describe, expect, it } from "vitest";
import { kbuildDirOfScriptsLink, rewriteHeadersMakefile } from "../../../src/kernel/debian/headers-tree.js";
import { readFixture } from "../../helpers/fixtures.js";

describe("a Debian headers tree in kforge's cache", () => {
  it("finds the -common tree next to the flavour's, wherever the cache is", () => {
    const original = readFixture("kernel/debian/arm64.Makefile");
    expect(original).toMatch(/^include \/usr\/src\/linux-headers-6\.1\.0-\d+-common\/Makefile$/m);
    const rewritten = rewriteHeadersMakefile(original)!;
    expect(rewritten).toMatch(
      /^include \$\(dir \$\(realpath \$\(lastword \$\(MAKEFILE_LIST\)\)\)\)\.\.\/linux-headers-6\.1\.0-\d+-common\/Makefile$/m,
    );
    expect(rewritten).not.toContain("/usr/src/");
    expect(rewriteHeadersMakefile(rewritten)).toBeUndefined();
  });

  it("reads the linux-kbuild dir the scripts link names", () => {
    expect(kbuildDirOfScriptsLink("../../lib/linux-kbuild-6.1/scripts")).toBe("linux-kbuild-6.1");
    expect(kbuildDirOfScriptsLink("../../lib/linux-kbuild-6.12.850+deb12/scripts")).toBe("linux-kbuild-6.12.850+deb12");
    expect(kbuildDirOfScriptsLink("/usr/lib/linux-kbuild-6.1/scripts")).toBeUndefined();
  });
});
