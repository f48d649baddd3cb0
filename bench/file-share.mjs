// bench/file-share: files into a warm guest over the run's virtio-9p share (vm-fast-start.md). For each
// release, alternated, median of N, TCG: `kforge vm` warm against `kforge vm --cold` for a project whose
// module needs the in-tree drm (1.2 MB on 6.1, 1.6 MB on 6.12), and a warm `kforge vm` of a module with
// 8 MB of data against a warm run of a one-page module (the difference is what the 8 MB cost).
// Usage: node bench/file-share.mjs [--release <release>] [--runs 5]   (needs `npm run build`)
// Saved states go to a private cache (the shared kernel images are linked in, never written).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argument, cachedKernels, newestRelease } from "./kernels.mjs";

const runs = Number(argument("runs", "5"));
const kforge = new URL("../bin/kforge.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "kforge-bench-share-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
if (existsSync(cachedKernels)) symlinkSync(cachedKernels, join(privateCache, "kforge", "kernels"));

const module = (name, body) => `#include <linux/module.h>
${body.declarations}
static int __init ${name}_init(void) { ${body.init} return 0; }
static void __exit ${name}_exit(void) { }
module_init(${name}_init);
module_exit(${name}_exit);
MODULE_LICENSE("GPL");
`;
const project = (name, source) => {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "Kbuild"), `obj-m := ${name}.o\n`);
  writeFileSync(join(dir, `${name}.c`), source);
  return dir;
};
const drmuser = project(
  "drmuser",
  module("drmuser", {
    declarations: "#include <drm/drm_fourcc.h>",
    init: 'pr_info("drmuser: %u\\n", drm_format_info(DRM_FORMAT_XRGB8888)->cpp[0]);',
  }),
);
const big = project("big", module("big", { declarations: "static const char big_blob[8 << 20] __used = { 1 };", init: "" }));
const small = project("small", module("small", { declarations: "", init: "" }));

const releases = argument("release") ? [argument("release")] : [await newestRelease("6.1"), await newestRelease("6.12")];
try {
  for (const release of releases) benchRelease(release);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function vm(dir, release, extra = [], warmUp = false) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [kforge, "vm", dir, "--kernel", release, "--accel", "tcg", "--json", ...extra], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, XDG_CACHE_HOME: privateCache },
  });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`kforge vm ${dir} ${extra.join(" ")} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(run.stdout);
  if (!warmUp && !extra.includes("--cold") && result.start !== "restored") throw new Error(`not restored: ${result.notices.join("; ")}`);
  if (result.notices.some((notice) => /serial port|booting cold/.test(notice))) throw new Error(`no 9p: ${result.notices.join("; ")}`);
  return ms;
}

function benchRelease(release) {
  // Warm-up: builds, extracts the vmlinux and saves the guest state once, as any later run would find.
  for (const dir of [drmuser, big, small]) vm(dir, release, [], true);
  const samples = { warm: [], cold: [], big: [], small: [] };
  for (let run = 0; run < runs; run++) {
    samples.warm.push(vm(drmuser, release));
    samples.cold.push(vm(drmuser, release, ["--cold"]));
    samples.big.push(vm(big, release));
    samples.small.push(vm(small, release));
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const seconds = (ms) => (ms / 1000).toFixed(2);
  const list = (values) => values.map(seconds).join(" ");
  const [warm, cold, eight, one] = [samples.warm, samples.cold, samples.big, samples.small].map(median);
  console.log(`file-share, ${release}, TCG, median of ${runs} (alternated)`);
  console.log(`  drm user, kforge vm warm:   ${seconds(warm)} s   [${list(samples.warm)}]`);
  console.log(`  drm user, kforge vm --cold: ${seconds(cold)} s   [${list(samples.cold)}]`);
  console.log(`  ratio warm/cold: ${(warm / cold).toFixed(2)} (target <= 0.5)`);
  console.log(`  8 MB module, kforge vm warm: ${seconds(eight)} s   [${list(samples.big)}]`);
  console.log(`  one-page module, kforge vm warm: ${seconds(one)} s   [${list(samples.small)}]`);
  console.log(`  the 8 MB cost ${seconds(eight - one)} s over the one-page module (target: the whole warm run <= 2 s)`);
}
