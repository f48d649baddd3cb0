// A real `kforge watch --vm --coverage --json` session on the debug kernel (gcov built in): each cycle
// ends with a coverage event for that cycle alone, the report files follow it, and a cycle whose
// steps change measures the new steps (the counters are zeroed between cycles, not summed).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CoverageResult } from "../../src/coverage/model.js";
import type { WatchEvent } from "../../src/watch/events.js";
import { gcovKernel, privateCacheWith } from "../helpers/kernels.js";
import { WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-coverage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const debug = gcovKernel();
const cache = privateCacheWith(root, debug);

const coverageOf = (event: WatchEvent) => (event as Extract<WatchEvent, { event: "coverage" }>).coverage;
const calls = (coverage: CoverageResult) =>
  coverage.status === "ok"
    ? coverage.files.flatMap((file) => file.functionList.map((item) => `${item.name}:${item.calls}`))
    : [coverage.status];

describe("kforge watch --vm --coverage on the debug kernel (TCG)", () => {
  it("reports each cycle's coverage, zeroed between cycles, and rewrites lcov.info", { timeout: 900_000 }, async () => {
    const dir = join(root, "twofunc");
    const temp = join(root, "tmp");
    mkdirSync(temp);
    cpSync(new URL("../fixtures/coverage-project/", import.meta.url).pathname, dir, { recursive: true });
    const watch = new WatchRun(dir, ["--coverage", "--kernel", debug.release, "--accel", "tcg", "--timeout", "300"], temp, {
      XDG_CACHE_HOME: cache,
    });
    try {
      const first = await watch.waitFor((event) => event.event === "coverage", 0, 800_000);
      expect(calls(coverageOf(watch.events[first]!))).toEqual(["add_value:2", "reset_total:0"]);
      const lcov = join(dir, ".kforge", "coverage", debug.release, "lcov.info");
      expect(readFileSync(lcov, "utf8")).toContain("FNDA:2,add_value\n");

      // New steps: the same two writes, then a reset. Nothing is rebuilt; the counters start from zero.
      const config = JSON.parse(readFileSync(join(dir, "kforge.json"), "utf8"));
      config.vm.test = [...config.vm.test.slice(0, 2), "echo 0 > /sys/module/twofunc/parameters/reset"];
      const from = watch.events.length;
      writeFileSync(join(dir, "kforge.json"), JSON.stringify(config));
      const second = await watch.waitFor((event) => event.event === "coverage", from, 300_000);
      expect(calls(coverageOf(watch.events[second]!))).toEqual(["add_value:2", "reset_total:1"]);
      expect(readFileSync(lcov, "utf8")).toContain("FNDA:1,reset_total\n");
      expect(existsSync(join(dir, ".kforge", "coverage", debug.release, "cobertura.xml"))).toBe(true);
    } finally {
      watch.kill("SIGINT");
      await watch.exited;
    }
  });
});
