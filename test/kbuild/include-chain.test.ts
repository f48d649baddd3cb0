// An error two headers deep, built for real: gcc's "In file included from" chain and the note after
// the error reach the terminal, --json and every CI report, not only the error line.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { moduleSource, removeDir } from "./modules.js";

const repo = mkdtempSync(join(tmpdir(), "kforge-include-chain-"));
afterAll(() => removeDir(repo));
const dir = join(repo, "drivers", "chain");
mkdirSync(dir, { recursive: true });
execFileSync("git", ["init", "-q", repo]);
writeFileSync(join(dir, "Kbuild"), "obj-m += chain.o\n");
writeFileSync(
  join(dir, "chain.c"),
  moduleSource("chain").replace("#include <linux/init.h>\n", '#include <linux/init.h>\n#include "outer.h"\n'),
);
writeFileSync(join(dir, "outer.h"), '#include "inner.h"\nstatic inline int outer_value(void) { return inner_value(); }\n');
writeFileSync(join(dir, "inner.h"), "static inline int inner_value(void)\n{\n\treturn missing_name;\n}\n");
const out = (name: string) => join(repo, name);

describe("a diagnostic's include chain and notes", () => {
  it("are in the terminal output, under and above the error", async () => {
    const result = await runKforge(["build", dir, "--kernel", kernel61().release], { timeoutMs: 200_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("inner.h\n  In file included from outer.h:1, chain.c:3:\n  In function 'inner_value':\n");
    expect(result.stderr).toMatch(
      new RegExp(
        String.raw`error {3}'missing_name' undeclared \(first use in this function\)\n.*\n.*\^\n ` +
          "{10}note: each undeclared identifier is reported only once",
      ),
    );
  });

  it("are in --json and in the JUnit, GitHub and Code Quality reports", async () => {
    const result = await runKforge(
      ["build", dir, "--kernel", kernel61().release, "--force", "--json", "--junit", out("junit.xml"), "--codequality", out("cq.json")],
      { timeoutMs: 200_000, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: out("summary.md") } },
    );
    expect(result.exitCode).toBe(1);
    const [first] = JSON.parse(result.stdout).kernels[0].diagnostics;
    expect(first).toMatchObject({
      file: "inner.h",
      line: 3,
      includedFrom: [
        { file: "outer.h", line: 1 },
        { file: "chain.c", line: 3 },
      ],
      notes: [{ file: "inner.h", line: 3, column: 16, message: expect.stringMatching(/^each undeclared identifier/) }],
    });
    const junit = readFileSync(out("junit.xml"), "utf8");
    expect(junit).toContain(
      "drivers/chain/inner.h:3:16: error: 'missing_name' undeclared (first use in this function) " +
        "(included from drivers/chain/outer.h:1, drivers/chain/chain.c:3)",
    );
    expect(junit).toMatch(/\n {2}drivers\/chain\/inner\.h:3:16: note: each undeclared identifier/);
    const annotation = result.stderr.split("\n").find((line) => line.startsWith("::error file=drivers/chain/inner.h,line=3"));
    expect(annotation).toContain(
      "(included from drivers/chain/outer.h:1, drivers/chain/chain.c:3)%0Adrivers/chain/inner.h:3:16: note: each",
    );
    expect(readFileSync(out("summary.md"), "utf8")).toContain("  drivers/chain/inner.h:3:16: note: each undeclared identifier");
    const [finding] = JSON.parse(readFileSync(out("cq.json"), "utf8"));
    expect(finding.description).toMatch(
      /\(included from drivers\/chain\/outer\.h:1, drivers\/chain\/chain\.c:3\); .*note: each undeclared/,
    );
  });
});
