// Files into a warm guest over the run's virtio-9p share, through the real CLI on Debian's 6.1 and
// 6.12 under TCG: an 8 MB module (generated here, not committed) and a module needing the ~1 MB
// in-tree drm, restored from a saved state; and the serial fallback where the modules tree lacks
// the 9p modules. A private cache holds the states (the shared kernel images are linked in).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { cacheWithout9p, pathWithoutQemu9p, privateCache } from "../helpers/private-cache.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-file-share-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// big.ko holds 8 MB of initialized data; drmuser.ko needs the in-tree drm (1.2-1.6 MB).
function createProject(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}
const BIG = `#include <linux/module.h>
static const char big_blob[8 << 20] __used = { 1 };
static int __init big_init(void) { pr_info("big: %d\\n", big_blob[0]); return 0; }
static void __exit big_exit(void) { }
module_init(big_init);
module_exit(big_exit);
MODULE_LICENSE("GPL");
`;
const DRM_USER = `#include <linux/module.h>
#include <drm/drm_fourcc.h>
static int __init drmuser_init(void)
{
\tpr_info("drmuser: %u bytes per pixel\\n", drm_format_info(DRM_FORMAT_XRGB8888)->cpp[0]);
\treturn 0;
}
static void __exit drmuser_exit(void) { }
module_init(drmuser_init);
module_exit(drmuser_exit);
MODULE_LICENSE("GPL");
`;
const bigProject = createProject("big", { Kbuild: "obj-m := big.o drmuser.o\n", "big.c": BIG, "drmuser.c": DRM_USER });

async function vm(dir: string, cache: string, release: string, args: string[], env = {}): Promise<{ result: VmResult; stderr: string }> {
  const run = await runKforge(["vm", dir, "--json", "--kernel", release, "--accel", "tcg", ...args], {
    env: { XDG_CACHE_HOME: cache, ...env },
    timeoutMs: 200_000,
  });
  try {
    return { result: JSON.parse(run.stdout) as VmResult, stderr: run.stderr };
  } catch {
    throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

const LINK = "readlink /kforge/modules/big.ko";
const summary = (result: VmResult) => result.steps.map((step) => `${step.name}: ${step.ok ? "ok" : "failed"}`);

describe.each([
  ["6.1", kernel61],
  ["6.12", kernel612],
])("kforge vm warm on %s: files over 9p", (_series, kernel) => {
  const release = kernel().release;
  const cache = privateCache(root, `cache-${release}`);

  it("sends an 8 MB module and an in-tree drm into a restored guest through the shared folder", async () => {
    const saved = await vm(bigProject, cache, release, ["--exec", LINK]);
    expect(saved.result).toMatchObject({ ok: true, start: "booted" });
    const restored = await vm(bigProject, cache, release, ["--exec", LINK]);
    expect(restored.result, restored.stderr).toMatchObject({ ok: true, start: "restored" });
    expect(summary(restored.result)).toEqual([
      "insmod drm: ok",
      "insmod big: ok",
      "insmod drmuser: ok",
      `${LINK}: ok`,
      "rmmod drmuser: ok",
      "rmmod big: ok",
    ]);
    expect(restored.result.steps.find((step) => step.name === LINK)!.output.trim()).toBe("/kforge/share/modules/big.ko");
    expect(restored.result.steps.find((step) => step.module === "drmuser")!.kernelLog).toContain("drmuser: 4 bytes per pixel");
    expect(restored.result.notices.join("\n")).not.toMatch(/serial port|booting cold/);
  }, 400_000);
});

describe("kforge vm warm on 6.1 without the 9p modules", () => {
  const release = kernel61().release;
  const greet = createProject("greet", {
    Kbuild: "obj-m := greet.o\n",
    "greet.c": readFileSync(new URL("../fixtures/vm/modules/greet/greet.c", import.meta.url), "utf8"),
  });

  it("sends small files over the serial port with a notice, and boots cold when they would take longer than a boot", async () => {
    const cache = await cacheWithout9p(root, release);
    const serial =
      /the guest cannot mount a shared folder \(.* lacks the 9p modules: 9pnet_virtio, 9p\): its files go over the serial port/;
    const saved = await vm(greet, cache, release, ["--exec", "ls /kforge/modules"]);
    expect(saved.result).toMatchObject({ ok: true, start: "booted" });
    expect(saved.stderr).toMatch(serial);
    const restored = await vm(greet, cache, release, ["--exec", "ls -l /kforge/modules"]);
    expect(restored.result).toMatchObject({ ok: true, start: "restored" });
    expect(restored.result.notices.join("\n")).toMatch(serial);
    // A file the agent wrote, not a link into a share.
    expect(restored.result.steps[1]!.output).toMatch(/^-.* greet\.ko$/m);
    const big = await vm(bigProject, cache, release, []);
    expect(big.result).toMatchObject({ ok: true, start: "booted" });
    expect(big.result.notices.join("\n")).toMatch(/\d+ KB of files over the serial port would take longer than a cold boot: booting cold/);
    expect(readdirSync(join(cache, "kforge", "snapshots")).filter((name) => name.endsWith(".state"))).toHaveLength(1);
  }, 400_000);

  it("says so and uses the serial port when QEMU has no virtio-9p device", async () => {
    const { result } = await vm(greet, privateCache(root, "cache-qemu-without-9p"), release, [], { PATH: pathWithoutQemu9p(root) });
    expect(result.ok).toBe(true);
    expect(result.notices.join("\n")).toMatch(
      /the guest cannot mount a shared folder \(.*qemu-system-x86_64 has no virtio-9p-pci device\)/,
    );
  }, 200_000);
});
