// The semantic patches of the kernel source in kforge's cache (scripts/setup.sh fetches linux-source-6.12
// for the debug kernel), and the plan and spatch command made from them.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listSemanticPatches, planSemanticPatches, spatchArguments, type SemanticPatch } from "../../src/check/coccinelle.js";
import { kforgeCacheDir } from "../../src/fs/cache-dir.js";

const source = join(kforgeCacheDir(), "sources", "linux-source-6.12");
const scripts = { dir: source, origin: "the cache" };

describe("semantic patches of a real kernel source", () => {
  it("lists every .cocci with its header, OCaml ones marked", async () => {
    const patches = await listSemanticPatches(scripts);
    expect(patches.length).toBeGreaterThan(60);
    const memdup = patches.find((patch) => patch.rule === "api/memdup")!;
    expect(memdup.header.options).toEqual(["--no-includes", "--include-headers"]);
    expect(patches.filter((patch) => patch.header.needsOcaml).map((patch) => patch.rule)).toEqual(
      expect.arrayContaining(["api/check_bq27xxx_data"]),
    );
  });
});

const patch = (rule: string, header: Partial<SemanticPatch["header"]> = {}): SemanticPatch => ({
  path: `/src/scripts/coccinelle/${rule}.cocci`,
  rule,
  header: { options: [], requires: undefined, needsOcaml: false, ...header },
});

describe("planSemanticPatches", () => {
  const all = [patch("api/memdup"), patch("misc/new", { requires: "1.2.0" }), patch("api/ocaml", { needsOcaml: true })];

  it("leaves out patches for a newer spatch and, without an OCaml compiler, those with OCaml rules, saying why", () => {
    const plan = planSemanticPatches(all, "1.1.1", false);
    expect(plan.run.map((item) => item.rule)).toEqual(["api/memdup"]);
    expect(plan.skipped).toEqual([
      "misc/new: need a newer spatch than 1.1.1",
      "api/ocaml: have OCaml rules and no OCaml compiler is installed (apt-get install ocaml)",
    ]);
    expect(planSemanticPatches(all, "1.2.0", true).run).toHaveLength(3);
  });

  it("runs only the chosen ones, named as under scripts/coccinelle/ or by file name, and refuses an unknown name", () => {
    expect(planSemanticPatches(all, "1.1.1", true, ["memdup", "scripts/coccinelle/api/ocaml.cocci"]).run.map((item) => item.rule)).toEqual([
      "api/memdup",
      "api/ocaml",
    ]);
    expect(() => planSemanticPatches(all, "1.1.1", true, ["nosuch"])).toThrow('check.semanticPatches names "nosuch"');
  });
});

describe("spatchArguments", () => {
  it("is coccicheck's report command over the project's files, headers only when the patch includes them", () => {
    const input = { includes: ["-I", "/src/include"], sources: ["a.c"], headers: ["a.h"], python: "/usr/bin/python3" };
    expect(spatchArguments(patch("api/memdup", { options: ["--no-includes", "--include-headers"] }), input)).toEqual([
      "--python",
      "/usr/bin/python3",
      "-D",
      "report",
      "--no-show-diff",
      "--very-quiet",
      "--cocci-file",
      "/src/scripts/coccinelle/api/memdup.cocci",
      "--no-includes",
      "--include-headers",
      "-I",
      "/src/include",
      "a.c",
      "a.h",
    ]);
    expect(spatchArguments(patch("misc/x"), { ...input, python: undefined }).slice(-3)).toEqual(["-I", "/src/include", "a.c"]);
  });
});
