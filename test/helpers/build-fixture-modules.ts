// Builds the C modules under test/fixtures/module/src with real kbuild into a temp dir. The consumer
// links against the provider's Module.symvers (KBUILD_EXTRA_SYMBOLS), as an out-of-tree pair must.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "./fixtures.js";

export interface BuiltModules {
  root: string;
  path: (name: string) => string;
  cleanup: () => void;
}

export function buildFixtureModules(kdir: string, names: string[]): BuiltModules {
  const root = mkdtempSync(join(tmpdir(), "kforge-module-test-"));
  for (const name of names) {
    cpSync(fixturePath(`module/src/${name}`), join(root, name), { recursive: true });
    const extra = name === "consumer" ? [`KBUILD_EXTRA_SYMBOLS=${join(root, "provider", "Module.symvers")}`] : [];
    execFileSync("make", ["-s", "-C", kdir, `M=${join(root, name)}`, ...extra, "modules"], { stdio: "pipe" });
  }
  return { root, path: (name) => join(root, name, `${name}.ko`), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
