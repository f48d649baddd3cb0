// bench/kernel-build: `kforge kernel build 6.12 --debug` against the plain make a user would rerun, and
// the debug kernel's boot to kforge's init under TCG against the stock 6.12 kernel's.
//   no-op: `kforge kernel build` on the registered debug kernel (reads it, runs no make) against a
//          no-op `make bzImage modules` in a private copy of its build dir; alternated, median of N.
//   boot:  `kforge vm --cold` of the same module on both kernels, the guest's boot-to-ready time; alternated.
//   cold:  only with --cold (a full build, tens of minutes on 2 shared cores), into a private cache.
// Usage: node bench/kernel-build.mjs [--runs 3] [--cold]   (needs `npm run build` and scripts/setup.sh)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argument, cachedKernels, newestDebugRelease, newestRelease } from "./kernels.mjs";

const runs = Number(argument("runs", "3"));
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const kernels = cachedKernels;
const debugRelease = newestDebugRelease();
const debugKdir = join(kernels, debugRelease, "build");
const source = readlinkSync(join(debugKdir, "source"));
const stockRelease = await newestRelease("6.12");

const work = mkdtempSync(join(tmpdir(), "kforge-bench-kernel-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
symlinkSync(kernels, join(privateCache, "kforge", "kernels"));

const timed = (file, args, env = {}) => {
  const started = performance.now();
  const result = spawnSync(file, args, {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 3_600_000,
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return { ms: performance.now() - started, stdout: result.stdout };
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const list = (values) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");

// No-op rebuild. The copy's first make relinks once (objtool is built with absolute paths); later ones are no-ops.
const copy = join(work, "build");
execFileSync("cp", ["-a", debugKdir, copy]);
const plainMake = () => timed("make", ["-C", source, `O=${copy}`, "-j2", "bzImage", "modules"]);
plainMake();
const noop = { make: [], kforge: [] };
for (let run = 0; run < runs; run++) {
  noop.make.push(plainMake().ms);
  const kforgeRun = timed(process.execPath, [kforge, "kernel", "build", "--source", source, "--debug", "--json"]);
  if (!JSON.parse(kforgeRun.stdout).upToDate) throw new Error("kforge kernel build was not a no-op");
  noop.kforge.push(kforgeRun.ms);
}
console.log(`kernel-build no-op, ${debugRelease}, median of ${runs} (alternated)`);
console.log(`  make bzImage modules, nothing changed: ${seconds(median(noop.make))}   [${list(noop.make)}]`);
console.log(
  `  kforge kernel build --debug:           ${seconds(median(noop.kforge))}   ` +
    `[${list(noop.kforge)}]   ratio ${(median(noop.kforge) / median(noop.make)).toFixed(3)}`,
);

// Boot to kforge's init: the debug kernel (KASAN inline and lockdep slow it) against the stock one.
const project = join(work, "greet");
cpSync(join(repo, "test/fixtures/vm/modules/greet"), project, { recursive: true });
const boot = { [stockRelease]: [], [debugRelease]: [] };
const vm = (release) =>
  JSON.parse(
    timed(process.execPath, [kforge, "vm", project, "--kernel", release, "--accel", "tcg", "--cold", "--json"], {
      XDG_CACHE_HOME: privateCache,
    }).stdout,
  );
for (const release of Object.keys(boot)) vm(release); // warm-up: builds the module and extracts the vmlinux once
for (let run = 0; run < runs; run++) for (const release of Object.keys(boot)) boot[release].push(vm(release).bootMs);
const [stock, debug] = [median(boot[stockRelease]), median(boot[debugRelease])];
console.log(`boot to kforge's init, TCG, kforge vm --cold, median of ${runs} (alternated)`);
console.log(`  stock ${stockRelease}: ${seconds(stock)}   [${list(boot[stockRelease])}]`);
console.log(`  debug ${debugRelease}: ${seconds(debug)}   [${list(boot[debugRelease])}]   ratio ${(debug / stock).toFixed(2)}`);

if (process.argv.includes("--cold")) {
  const coldCache = join(work, "cold");
  const cold = timed("nice", ["-n", "10", process.execPath, kforge, "kernel", "build", "--source", source, "--debug", "--json"], {
    XDG_CACHE_HOME: coldCache,
  });
  console.log(`cold kforge kernel build --debug (nice -n 10): ${seconds(cold.ms)}`);
} else {
  console.log("cold build: not rerun (pass --cold); see docs/debug-kernels.md for the measured figure");
}
rmSync(work, { recursive: true, force: true });
if (existsSync(work)) throw new Error(`could not remove ${work}`);
