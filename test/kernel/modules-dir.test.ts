import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findModulesDir } from "../../src/kernel/kernel-image.js";

// The release is one no machine installs; the dirs are built here.
const release = "6.1.0-850-amd64";

describe("findModulesDir", () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "kforge-modules-dir-"));
    env = { XDG_CACHE_HOME: join(root, "cache") };
    await mkdir(join(root, "lib", release, "build"), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const cachedDir = () => join(root, "cache", "kforge", "kernels", release, "lib", "modules", release);

  it("skips a headers-only tree whose modules.dep only lists an installed out-of-tree module", async () => {
    await writeFile(join(root, "lib", release, "modules.dep"), "updates/hello.ko:\n");
    await mkdir(cachedDir(), { recursive: true });
    await writeFile(join(cachedDir(), "modules.dep"), "kernel/drivers/media/mc/mc.ko:\n");
    expect(await findModulesDir(release, { env, modulesRoot: join(root, "lib") })).toBe(cachedDir());
  });

  it("takes the installed tree when it holds in-tree modules", async () => {
    await writeFile(join(root, "lib", release, "modules.dep"), "kernel/drivers/media/mc/mc.ko:\n");
    await mkdir(join(root, "lib", release, "kernel"));
    expect(await findModulesDir(release, { env, modulesRoot: join(root, "lib") })).toBe(join(root, "lib", release));
  });

  it("finds nothing for a headers-only release without a cached copy", async () => {
    expect(await findModulesDir(release, { env, modulesRoot: join(root, "lib") })).toBeUndefined();
  });
});
