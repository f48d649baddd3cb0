// Where artifacts come back to, in the project model: kforge.json's vm.artifacts inside the module
// dir (a path that escapes it is a usage error), --artifacts anywhere the user says.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode, isKforgeError } from "../../src/errors.js";
import { artifactsDir } from "../../src/project/artifacts.js";
import { openProject } from "../../src/project/project.js";

const dir = mkdtempSync(join(tmpdir(), "kforge-artifacts-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open = (flags: Record<string, unknown>, cwd = "/somewhere") => openProject({ dir, flags, cwd, env: {} });
const config = (vm: object) => writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm }));

describe("artifacts settings", () => {
  it("defaults to .kforge/vm-out in the module dir, one subdir per release", async () => {
    config({});
    const root = (await open({})).guest.artifacts;
    expect(root).toBe(join(dir, ".kforge", "vm-out"));
    expect(artifactsDir(root, "6.1.0-test")).toBe(join(dir, ".kforge", "vm-out", "6.1.0-test"));
  });

  it("takes kforge.json's path from the module dir and a flag's from cwd, anywhere", async () => {
    config({ artifacts: "out/vm" });
    expect((await open({})).guest.artifacts).toBe(join(dir, "out", "vm"));
    expect((await open({ artifacts: "results" }, "/work")).guest.artifacts).toBe("/work/results");
    expect((await open({ artifacts: "/tmp/elsewhere" })).guest.artifacts).toBe("/tmp/elsewhere");
  });

  it("refuses a kforge.json vm.artifacts that escapes the module dir, as a usage error", async () => {
    for (const escaping of ["..", "../sibling", "/tmp/out", "sub/../../out"]) {
      config({ artifacts: escaping });
      const error = await open({}).catch((caught: unknown) => caught);
      expect(isKforgeError(error) && error.exitCode).toBe(ExitCode.usage);
      expect((error as Error).message).toContain(
        `kforge.json vm.artifacts ${JSON.stringify(escaping)} is not a folder inside the module dir`,
      );
    }
    config({ artifacts: 3 });
    await expect(open({})).rejects.toThrow(/vm\.artifacts/);
  });
});
