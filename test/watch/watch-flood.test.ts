// `kforge watch --vm` with a module whose kthread prints without end, in a real 6.1 guest under TCG:
// kforge's memory stays flat while the console log file takes the flood, and SIGTERM unloads the
// module before the guest is powered off.
import { readFileSync, statSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kernel61 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { createWatchProject, loadOf, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-flood-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FLOOD = `#include <linux/kthread.h>
#include <linux/module.h>
static struct task_struct *flooder;
static int flood(void *unused)
{
	unsigned long count = 0;

	while (!kthread_should_stop()) {
		pr_info("flood: line %lu of a module that prints without end ..............................\\n", count++);
		cond_resched();
	}
	return 0;
}
static int __init flood_init(void)
{
	flooder = kthread_run(flood, NULL, "flood");
	return PTR_ERR_OR_ZERO(flooder);
}
static void __exit flood_exit(void)
{
	kthread_stop(flooder);
	pr_info("flood: stopped\\n");
}
module_init(flood_init);
module_exit(flood_exit);
MODULE_LICENSE("GPL");
`;

const residentBytes = (pid: number) => 1024 * Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("kforge watch --vm under a printk flood (Debian 6.1, TCG)", () => {
  it("keeps its memory bounded while the console log takes the flood, and unloads on SIGTERM", { timeout: 300_000 }, async () => {
    const { dir, temp } = createWatchProject(root, "flood", { "flood.c": FLOOD, Kbuild: "obj-m := flood.o\n" });
    const consoleLog = join(dir, ".kforge", "logs", kernel61().release, "watch-console.log");
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp);
    try {
      await watch.waitFor(loadOf("flood"), 0, 150_000);
      await sleep(5000);
      const before = { memory: residentBytes(watch.pid), log: statSync(consoleLog).size };
      await sleep(40_000);
      const after = { memory: residentBytes(watch.pid), log: statSync(consoleLog).size };
      // A real flood: kforge before the fix grew by ~30 MB in these 40 s on a loaded 2-core host.
      expect(after.log - before.log).toBeGreaterThan(512 * 1024);
      expect(after.memory - before.memory, JSON.stringify({ before, after })).toBeLessThan(16 * 1024 * 1024);

      const from = watch.events.length;
      watch.kill("SIGTERM");
      expect((await watch.exited).code).toBe(143);
      expect(watch.events.slice(from).filter((event) => event.event === "unload")).toMatchObject([{ module: "flood", ok: true }]);
      expect(readFileSync(consoleLog, "utf8")).toContain("flood: stopped");
      expect(leftoverProcesses(temp)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
