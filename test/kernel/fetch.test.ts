// `kforge kernel fetch`: the set-up command fetched 6.1 into the default cache for real (apt-get
// download + dpkg-deb -x + depmod -b); these tests check that result and the error paths.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const emptyCache = mkdtempSync(join(tmpdir(), "kforge-fetch-cache-"));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

describe("kforge kernel fetch", () => {
  it("has put 6.1's image and a depmod-indexed modules tree into the cache, and does not fetch it twice", async () => {
    const { release } = kernel61();
    const result = await runKforge(["kernel", "fetch", release, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const fetched = JSON.parse(result.stdout);
    expect(fetched).toMatchObject({ ok: true, release, alreadyCached: true });
    expect(readFileSync(fetched.image).subarray(0x202, 0x206).toString("latin1")).toBe("HdrS"); // a bzImage
    const modulesDep = readFileSync(join(fetched.modulesDir, "modules.dep"), "utf8");
    expect(modulesDep).toMatch(/^kernel\/drivers\/virtio\/virtio\.ko:/m);
    expect(existsSync(join(fetched.modulesDir, "modules.symbols"))).toBe(true);
  });

  it("rejects a release that is no package, says how to find one, and leaves no partial download", async () => {
    const result = await runKforge(["kernel", "fetch", "6.1.0-9999-amd64"], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("apt-get download linux-image-6.1.0-9999-amd64 failed");
    expect(result.stderr).toContain("hint: check the release name (apt-cache search linux-image-6.1.0");
    expect(readdirSync(join(emptyCache, "kforge", "kernels"))).toEqual([]);
  });

  it("rejects a name that is not a release before running anything", async () => {
    const result = await runKforge(["kernel", "fetch", "../../etc"], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"../../etc" is not a kernel release name');
    // Names that are paths of the cache itself, or too long to be a file name.
    const dots = await runKforge(["kernel", "fetch", ".."], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(dots.exitCode).toBe(2);
    expect(dots.stderr).toContain('".." is not a kernel release name');
    const long = await runKforge(["kernel", "fetch", `6.1.${"a".repeat(5000)}`], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(long.exitCode).toBe(2);
    expect(long.stderr).toBe(
      `kforge: error: "6.1.aaaaaaaaaaaaaaaaaaaa..." (5004 characters) is not a kernel release: a release has at most 64 characters\nhint: use a release like 6.1.0-56-amd64\n`,
    );
  });
});
