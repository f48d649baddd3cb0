// bench/vm-cycle: a hand-made QEMU boot (bzImage + busybox initramfs whose init insmods, rmmods and
// powers off) against `kforge vm` for the same module and kernel, alternated, median of N, TCG.
// Usage: node bench/vm-cycle.mjs [--release <release>]   (default: the newest installed 6.1) [--runs 5]   (needs `npm run build`)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { newestRelease } from "./kernels.mjs";

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const release = argument("release") ?? (await newestRelease("6.1"));
const runs = Number(argument("runs", "5"));
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge");
const image = [`/boot/vmlinuz-${release}`, join(cache, "kernels", release, "boot", `vmlinuz-${release}`)].find(existsSync);
if (!image) throw new Error(`no image for ${release}: run node bin/kforge.js kernel fetch ${release}`);

const work = mkdtempSync(join(tmpdir(), "kforge-bench-"));
const project = join(work, "greet");
cpSync(join(repo, "test/fixtures/vm/modules/greet"), project, { recursive: true });
execFileSync("make", ["-s", "-C", `/lib/modules/${release}/build`, `M=${project}`, "modules"], { stdio: "ignore" });

// The obvious hand-made setup: busybox --install at boot, gzip'd cpio made by the cpio tool.
const rootfs = join(work, "rootfs");
for (const directory of ["bin", "proc", "sys", "dev"]) mkdirSync(join(rootfs, directory), { recursive: true });
cpSync("/bin/busybox", join(rootfs, "bin/busybox"));
cpSync(join(project, "greet.ko"), join(rootfs, "greet.ko"));
writeFileSync(join(rootfs, "init"), "#!/bin/busybox sh\n/bin/busybox --install -s /bin\nmount -t proc proc /proc\nmount -t sysfs sys /sys\ninsmod /greet.ko\ncat /proc/modules\nrmmod greet\npoweroff -f\n");
chmodSync(join(rootfs, "init"), 0o755);
const initrd = join(work, "initrd.gz");
execFileSync("sh", ["-c", `cd ${rootfs} && find . | cpio -o -H newc 2>/dev/null | gzip > ${initrd}`]);

const timed = (file, args) => {
  const started = performance.now();
  const result = spawnSync(file, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 120_000 });
  const ms = performance.now() - started;
  return { ms, status: result.status, output: result.stdout + result.stderr };
};
const baseline = () =>
  timed("qemu-system-x86_64", ["-machine", "q35", "-accel", "tcg", "-m", "256", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
    "-serial", "stdio", "-kernel", image, "-initrd", initrd, "-append", "console=ttyS0 quiet panic=-1"]);
const viaKforge = () => timed(process.execPath, [kforge, "vm", project, "--kernel", release, "--accel", "tcg", "--json"]);

viaKforge(); // warm-up: builds the fingerprint and extracts the vmlinux once, as any second run would find
const samples = { baseline: [], kforge: [] };
for (let run = 0; run < runs; run++) {
  const base = baseline();
  if (!/^greet \d+/m.test(base.output)) throw new Error(`baseline did not load the module:\n${base.output}`);
  samples.baseline.push(base.ms);
  const own = viaKforge();
  if (own.status !== 0) throw new Error(`kforge vm failed (exit ${own.status}):\n${own.output}`);
  samples.kforge.push(own.ms);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const b = median(samples.baseline);
const k = median(samples.kforge);
console.log(`vm-cycle, ${release}, TCG, median of ${runs} (alternated)`);
console.log(`  baseline (qemu -kernel bzImage, busybox initramfs): ${(b / 1000).toFixed(2)} s   [${samples.baseline.map((ms) => (ms / 1000).toFixed(2)).join(" ")}]`);
console.log(`  kforge vm (build check + boot + insmod + rmmod):   ${(k / 1000).toFixed(2)} s   [${samples.kforge.map((ms) => (ms / 1000).toFixed(2)).join(" ")}]`);
console.log(`  ratio kforge/baseline: ${(k / b).toFixed(2)} (target <= 0.60)`);
rmSync(work, { recursive: true, force: true });
