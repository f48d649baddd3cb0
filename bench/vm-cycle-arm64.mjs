// bench/vm-cycle-arm64: a hand-made qemu-system-aarch64 boot (Debian's arm64 Image + a busybox initramfs whose
// init insmods, rmmods and powers off) against `kforge vm` warm (restored from a saved guest state), for the same
// cross-built module and the arm64 flavour of the installed 6.1, alternated, median of N, TCG.
// Usage: node bench/vm-cycle-arm64.mjs [--release <6.1.0-N-arm64>] [--runs 5]   (needs `npm run build` and the
// fetched arm64 kernel: scripts/setup.sh). Saved states go to a private cache (the shared kernels are linked in).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { handMadeInitrd, timedRun } from "./hand-made-guest.mjs";
import { argument, cachedKernels, newestRelease } from "./kernels.mjs";
import { median } from "./timing.mjs";

const runs = Number(argument("runs", "5"));
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const release = argument("release") ?? (await newestRelease("6.1")).replace(/-amd64$/, "-arm64");
const fetched = join(cachedKernels, release);
if (!existsSync(join(fetched, "build", "Makefile"))) throw new Error(`no fetched ${release}: node bin/kforge.js kernel fetch ${release}`);

const work = mkdtempSync(join(tmpdir(), "kforge-bench-arm64-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
symlinkSync(cachedKernels, join(privateCache, "kforge", "kernels"));

const project = join(work, "greet");
cpSync(join(repo, "test/fixtures/vm/modules/greet"), project, { recursive: true });
const cross = ["ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"];
execFileSync("make", ["-s", "-C", join(fetched, "build"), `M=${project}`, ...cross, "modules"], { stdio: "ignore" });

const initrd = handMadeInitrd({ work, name: release, busybox: join(fetched, "bin", "busybox"), module: join(project, "greet.ko") });
const image = join(fetched, "boot", `vmlinuz-${release}`);

const timed = (file, args, env = {}) => timedRun(file, args, { env });
// The command line of the measurement: -M virt -cpu max, the PL011 console.
const baseline = () =>
  timed("qemu-system-aarch64", [
    ...["-M", "virt", "-cpu", "max", "-accel", "tcg", "-m", "256", "-nodefaults", "-no-user-config", "-display", "none"],
    ...["-no-reboot", "-serial", "stdio", "-kernel", image, "-initrd", initrd, "-append", "console=ttyAMA0 quiet panic=-1"],
  ]);
const viaKforge = () => {
  const run = timed(process.execPath, [kforge, "vm", project, "--kernel", release, "--json"], { XDG_CACHE_HOME: privateCache });
  if (run.status !== 0) throw new Error(`kforge vm failed (exit ${run.status}):\n${run.output}`);
  return { ...run, result: JSON.parse(run.stdout) };
};

viaKforge(); // warm-up: boots once and saves the guest state, as any later run would find it
const samples = { baseline: [], warm: [], restoreToReady: [] };
for (let run = 0; run < runs; run++) {
  const base = baseline();
  if (!/^greet \d+/m.test(base.output)) throw new Error(`baseline did not load the module:\n${base.output}`);
  samples.baseline.push(base.ms);
  const warm = viaKforge();
  if (warm.result.start !== "restored") throw new Error(`the warm run did not restore: ${warm.result.notices.join("; ")}`);
  samples.warm.push(warm.ms);
  samples.restoreToReady.push(warm.result.bootMs);
}
rmSync(work, { recursive: true, force: true });
const list = (values) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");
const b = median(samples.baseline);
const w = median(samples.warm);
console.log(`vm-cycle-arm64, ${release}, TCG, median of ${runs} (alternated)`);
console.log(
  `  baseline (qemu-system-aarch64 -M virt -cpu max, busybox initramfs): ${(b / 1000).toFixed(2)} s   [${list(samples.baseline)}]`,
);
console.log(`  kforge vm warm (build check + restore + send + insmod + rmmod): ${(w / 1000).toFixed(2)} s   [${list(samples.warm)}]`);
console.log(`  restore-to-ready ${(median(samples.restoreToReady) / 1000).toFixed(2)} s`);
console.log(`  ratio warm/baseline: ${(w / b).toFixed(2)} (target <= 0.15, warm under 2 s)`);
