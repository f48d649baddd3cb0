// bench/vm-host-userspace: the host's userspace in the guest (docs/vm.md). For each release, alternated,
// median of N, TCG, the chardev template's project: `kforge vm` warm with --userspace host and one test
// program (a C client built here with the host's gcc, against the host's libc, writing to the driver's
// /dev node and reading back) against the busybox warm cycle with the same check as a busybox shell line
// (target: at most +0.3 s); and both with --cold (the cold boot with the host root shared, as
// virtme-ng does every run).
// Usage: node bench/vm-host-userspace.mjs [--release <release>] [--runs 5]   (needs `npm run build`)
// Saved states go to a private cache (the shared kernel images are linked in, never written).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argument, cachedKernels, newestRelease } from "./kernels.mjs";
import { median } from "./timing.mjs";

const runs = Number(argument("runs", "5"));
const kforge = new URL("../bin/kforge.js", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "kforge-bench-host-userspace-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
if (existsSync(cachedKernels)) symlinkSync(cachedKernels, join(privateCache, "kforge", "kernels"));

const project = join(work, "echodev");
execFileSync(process.execPath, [kforge, "new", "echodev", "--template", "chardev", "--dir", project], { stdio: "ignore" });
writeFileSync(join(project, "kforge.json"), "{}\n");
const client = new URL("../test/fixtures/vm/host-userspace/client.c", import.meta.url).pathname;
execFileSync("gcc", ["-O2", "-o", join(project, "client"), client]);

const BUSYBOX = ["--exec", 'echo "written by the shell" > /dev/echodev && cat /dev/echodev'];
const HOST = ["--userspace", "host", "--exec", "./client"];

const releases = argument("release") ? [argument("release")] : [await newestRelease("6.1"), await newestRelease("6.12")];
try {
  for (const release of releases) benchRelease(release);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function vm(release, extra, warmUp = false) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [kforge, "vm", project, "--kernel", release, "--accel", "tcg", "--json", ...extra], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, XDG_CACHE_HOME: privateCache },
  });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`kforge vm ${extra.join(" ")} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(run.stdout);
  if (!warmUp && !extra.includes("--cold") && result.start !== "restored") throw new Error(`not restored: ${result.notices.join("; ")}`);
  // The test step's own time, from the agent's answer: the first dynamically linked exec in a host run.
  const step = result.steps.find((candidate) => candidate.kind === "exec");
  return { ms, stepMs: step.durationMs };
}

function benchRelease(release) {
  // Warm-up: builds, extracts the vmlinux and saves both guest states once, as any later run would find.
  vm(release, BUSYBOX, true);
  vm(release, HOST, true);
  const samples = { busybox: [], host: [], busyboxCold: [], hostCold: [] };
  const steps = { busybox: [], host: [] };
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of [
      ["busybox", BUSYBOX],
      ["host", HOST],
    ]) {
      const warm = vm(release, args);
      samples[name].push(warm.ms);
      steps[name].push(warm.stepMs);
    }
    samples.busyboxCold.push(vm(release, [...BUSYBOX, "--cold"]).ms);
    samples.hostCold.push(vm(release, [...HOST, "--cold"]).ms);
  }
  const seconds = (ms) => (ms / 1000).toFixed(2);
  const list = (values) => values.map(seconds).join(" ");
  const [busybox, host, busyboxCold, hostCold] = [samples.busybox, samples.host, samples.busyboxCold, samples.hostCold].map(median);
  console.log(`vm-host-userspace, ${release}, TCG, median of ${runs} (alternated)`);
  console.log(`  busybox, kforge vm warm:               ${seconds(busybox)} s   [${list(samples.busybox)}]`);
  console.log(`  --userspace host ./client, warm:       ${seconds(host)} s   [${list(samples.host)}]`);
  console.log(`  host - busybox, warm: ${seconds(host - busybox)} s (target <= +0.3 s)`);
  console.log(`  the test step alone, warm: busybox ${median(steps.busybox)} ms, host ${median(steps.host)} ms`);
  console.log(`  busybox, kforge vm --cold:             ${seconds(busyboxCold)} s   [${list(samples.busyboxCold)}]`);
  console.log(`  --userspace host ./client, --cold:     ${seconds(hostCold)} s   [${list(samples.hostCold)}]`);
}
