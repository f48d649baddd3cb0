// bench/vm-cycle: a hand-made QEMU boot (bzImage + busybox initramfs whose init insmods, rmmods and
// powers off) against `kforge vm` warm (restored from a saved guest state) and `kforge vm --cold`, for
// the same module and kernel, alternated, median of N, TCG, on the newest installed 6.1 and 6.12.
// Usage: node bench/vm-cycle.mjs [--release <release>] [--runs 5]   (needs `npm run build`)
// Saved states go to a private cache (the shared kernel images are linked in, never written).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, existsSync, statSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { handMadeInitrd, timedRun } from "./hand-made-guest.mjs";
import { argument, newestRelease } from "./kernels.mjs";

const runs = Number(argument("runs", "5"));
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge");

const work = mkdtempSync(join(tmpdir(), "kforge-bench-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
if (existsSync(join(cache, "kernels"))) symlinkSync(join(cache, "kernels"), join(privateCache, "kforge", "kernels"));
const releases = argument("release") ? [argument("release")] : [await newestRelease("6.1"), await newestRelease("6.12")];
for (const release of releases) await benchRelease(release);
rmSync(work, { recursive: true, force: true });

async function benchRelease(release) {
  const image = [`/boot/vmlinuz-${release}`, join(cache, "kernels", release, "boot", `vmlinuz-${release}`)].find(existsSync);
  if (!image) throw new Error(`no image for ${release}: run node bin/kforge.js kernel fetch ${release}`);

  const project = join(work, `greet-${release}`);
  cpSync(join(repo, "test/fixtures/vm/modules/greet"), project, { recursive: true });
  execFileSync("make", ["-s", "-C", `/lib/modules/${release}/build`, `M=${project}`, "modules"], { stdio: "ignore" });

  const initrd = handMadeInitrd({ work, name: release, busybox: "/bin/busybox", module: join(project, "greet.ko") });

  const timed = (file, args, env = {}) => timedRun(file, args, { env, timeoutMs: 120_000 });
  const baseline = () =>
    timed("qemu-system-x86_64", [
      "-machine",
      "q35",
      "-accel",
      "tcg",
      "-m",
      "256",
      "-nodefaults",
      "-no-user-config",
      "-display",
      "none",
      "-no-reboot",
      "-serial",
      "stdio",
      "-kernel",
      image,
      "-initrd",
      initrd,
      "-append",
      "console=ttyS0 quiet panic=-1",
    ]);
  const viaKforge = (extra) => {
    const run = timed(process.execPath, [kforge, "vm", project, "--kernel", release, "--accel", "tcg", "--json", ...extra], {
      XDG_CACHE_HOME: privateCache,
    });
    if (run.status !== 0) throw new Error(`kforge vm ${extra.join(" ")} failed (exit ${run.status}):\n${run.output}`);
    return { ...run, result: JSON.parse(run.stdout) };
  };

  viaKforge([]); // warm-up: builds, extracts the vmlinux and saves the guest state once, as any later run would find
  const samples = { baseline: [], warm: [], cold: [], restoreToReady: [], bootToReady: [] };
  for (let run = 0; run < runs; run++) {
    const base = baseline();
    if (!/^greet \d+/m.test(base.output)) throw new Error(`baseline did not load the module:\n${base.output}`);
    samples.baseline.push(base.ms);
    const warm = viaKforge([]);
    if (warm.result.start !== "restored") throw new Error(`the warm run did not restore: ${warm.result.notices.join("; ")}`);
    samples.warm.push(warm.ms);
    samples.restoreToReady.push(warm.result.bootMs);
    const cold = viaKforge(["--cold"]);
    samples.cold.push(cold.ms);
    samples.bootToReady.push(cold.result.bootMs);
  }
  // This kernel's device state, and the guest RAM copy beside it as the disk space it takes (it is sparse).
  const listed = timed(process.execPath, [kforge, "kernel", "snapshots", "--json"], { XDG_CACHE_HOME: privateCache });
  const ours = JSON.parse(listed.stdout).snapshots.filter((state) => state.release === release);
  const stateBytes = ours.map((state) => statSync(state.statePath).size);
  const ramBytes = ours.map((state) => statSync(state.ramPath).blocks * 512);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const list = (values) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");
  const b = median(samples.baseline);
  const w = median(samples.warm);
  const c = median(samples.cold);
  console.log(`vm-cycle, ${release}, TCG, median of ${runs} (alternated)`);
  console.log(`  baseline (qemu -kernel bzImage, busybox initramfs): ${(b / 1000).toFixed(2)} s   [${list(samples.baseline)}]`);
  console.log(`  kforge vm warm (build check + restore + send + insmod + rmmod): ${(w / 1000).toFixed(2)} s   [${list(samples.warm)}]`);
  console.log(`  kforge vm --cold (build check + boot + insmod + rmmod):       ${(c / 1000).toFixed(2)} s   [${list(samples.cold)}]`);
  console.log(
    `  restore-to-ready ${(median(samples.restoreToReady) / 1000).toFixed(2)} s, ` +
      `boot-to-ready ${(median(samples.bootToReady) / 1000).toFixed(2)} s, state ` +
      `file ${stateBytes.map((bytes) => `${(bytes / 1024).toFixed(0)} KiB`).join(", ")} + RAM ` +
      `file ${ramBytes.map((bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`).join(", ")} allocated`,
  );
  console.log(`  ratio warm/baseline: ${(w / b).toFixed(2)} (target <= 0.25), cold/baseline: ${(c / b).toFixed(2)}`);
}
