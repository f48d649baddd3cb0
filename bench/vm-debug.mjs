// bench/vm-debug: one `kforge vm --debug` cycle (build check, boot or restore of the debug kernel,
// insmod, rmmod, kmemleak scan) against `kforge vm` on the stock kernel of the same version, for the
// same clean module, cold and warm, alternated, median of N, TCG, on the newest installed 6.12.
// Usage: node bench/vm-debug.mjs [--release <release>] [--runs 3]   (needs `npm run build` and the
// debug kernel that `kforge kernel build <major.minor> --debug` registers in kforge's cache)
// Saved states go to a private cache (the shared kernel images are linked in, never written).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { argument, newestRelease } from "./kernels.mjs";

const runs = Number(argument("runs", "3"));
const release = argument("release") ?? (await newestRelease("6.12"));
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge");

const work = mkdtempSync(join(tmpdir(), "kforge-bench-debug-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
if (existsSync(join(cache, "kernels"))) symlinkSync(join(cache, "kernels"), join(privateCache, "kforge", "kernels"));
const project = join(work, "greet");
cpSync(join(repo, "test/fixtures/vm/modules/greet"), project, { recursive: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => (ms / 1000).toFixed(2);

function cycle(extra) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [kforge, "vm", project, "--kernel", release, "--accel", "tcg", "--timeout", "300", "--json", ...extra],
    {
      encoding: "utf8",
      timeout: 330_000,
      env: { ...process.env, XDG_CACHE_HOME: privateCache },
    },
  );
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`kforge vm ${extra.join(" ")} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(run.stdout);
  const scan = result.steps.find((step) => step.name === "kmemleak scan");
  return { ms, bootMs: result.bootMs, start: result.start, scanMs: scan?.durationMs, release: result.release };
}

const variants = { stockCold: ["--cold"], debugCold: ["--debug", "--cold"], stockWarm: [], debugWarm: ["--debug"] };
// Warm-up: builds for both kernels, extracts images and saves one guest state per kernel.
const debugRelease = cycle(variants.debugWarm).release;
cycle(variants.stockWarm);
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let run = 0; run < runs; run++) {
  for (const [name, extra] of Object.entries(variants)) {
    const sample = cycle(extra);
    if (name.endsWith("Warm") && sample.start !== "restored") throw new Error(`${name} did not restore from the saved state`);
    samples[name].push(sample);
  }
}
rmSync(work, { recursive: true, force: true });

const line = (label, name) => {
  const list = samples[name];
  const scans = list.map((sample) => sample.scanMs).filter((ms) => ms !== undefined);
  const scan = scans.length ? `, kmemleak scan ${seconds(median(scans))} s` : "";
  return (
    `  ${label.padEnd(34)} ${seconds(median(list.map((sample) => sample.ms)))} ` +
    `s   [${list.map((sample) => seconds(sample.ms)).join(" ")}]  (boot/restore ` +
    `to ready ${seconds(median(list.map((sample) => sample.bootMs)))} s${scan})`
  );
};
const ratio = (debug, stock) =>
  (median(samples[debug].map((sample) => sample.ms)) / median(samples[stock].map((sample) => sample.ms))).toFixed(2);
console.log(`vm-debug, ${release} vs ${debugRelease}, TCG, greet module, median of ${runs} (alternated)`);
console.log(line("kforge vm --cold (stock)", "stockCold"));
console.log(line("kforge vm --debug --cold", "debugCold"));
console.log(line("kforge vm (stock, warm)", "stockWarm"));
console.log(line("kforge vm --debug (warm)", "debugWarm"));
console.log(`  ratio debug/stock: cold ${ratio("debugCold", "stockCold")}, warm ${ratio("debugWarm", "stockWarm")}`);
