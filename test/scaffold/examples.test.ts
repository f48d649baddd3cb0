// examples/ must be exactly what `kforge new` produces today; regenerate with
// `npm run build && node scripts/regenerate-examples.mjs`.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES_ROOT, exampleName, planExample } from "../../src/scaffold/examples.js";
import { listTemplates } from "../../src/scaffold/templates.js";

const templates = (await listTemplates()).map((template) => template.name);

describe("examples/", () => {
  it("holds one module per template and nothing else", async () => {
    expect((await readdir(EXAMPLES_ROOT)).sort()).toEqual(templates.map(exampleName).sort());
  });

  it.each(templates)("example_%s matches a fresh render byte for byte", async (template) => {
    const dir = join(EXAMPLES_ROOT, exampleName(template));
    const plan = await planExample(template);
    expect((await readdir(dir)).sort(), "file list").toEqual(plan.files.map((file) => file.path).sort());
    for (const file of plan.files) {
      const committed = await readFile(join(dir, file.path));
      expect(committed.equals(Buffer.from(file.content, "utf8")), `${dir}/${file.path} differs: run scripts/regenerate-examples.mjs`).toBe(
        true,
      );
    }
  });
});
