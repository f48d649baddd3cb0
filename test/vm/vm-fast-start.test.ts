// Warm starts from saved guest states, on Debian's 6.1 kernel under TCG, through the real CLI: a
// private cache holds the states (the shared kernel images are linked in, never written).
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  cpSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const MODULES = new URL("../fixtures/vm/modules/", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "kforge-fast-start-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, "cache");
mkdirSync(join(cache, "kforge"), { recursive: true });
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(cache, "kforge", "kernels"));
const snapshots = join(cache, "kforge", "snapshots");
const states = () => (existsSync(snapshots) ? readdirSync(snapshots).filter((name) => name.endsWith(".state")) : []);

const release = kernel61().release;
const on61 = ["--kernel", release, "--accel", "tcg"];

function createProject(name: string, source: string): string {
  const dir = join(root, name);
  cpSync(join(MODULES, source), join(dir, source.split("/").pop()!));
  writeFileSync(join(dir, "Kbuild"), `obj-m := ${source.split("/").pop()!.replace(/\.c$/, ".o")}\n`);
  return dir;
}

async function vm(dir: string, args: string[]): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const run = await runKforge(["vm", dir, "--json", ...on61, ...args], { env: { XDG_CACHE_HOME: cache }, timeoutMs: 115_000 });
  try {
    return { exitCode: run.exitCode, result: JSON.parse(run.stdout) as VmResult, stderr: run.stderr };
  } catch {
    throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

// What must not depend on how the guest started.
const stepFacts = (result: VmResult) =>
  result.steps.map(({ name, ok, exitCode, output, kernelLog }) => ({ name, ok, exitCode, output, kernelLog }));

describe("kforge vm warm starts (6.1, TCG)", () => {
  const greet = createProject("greet", "greet/greet.c");
  const steps = ["--exec", "cat /sys/module/greet/parameters/count", "--", "count=2"];

  it("boots and saves a state, then restores it with the same step results as a cold boot, and sets the clock", async () => {
    const cold = await vm(greet, ["--cold", ...steps]);
    expect(cold.result).toMatchObject({ ok: true, start: "booted" });
    expect(states()).toEqual([]);
    const first = await vm(greet, steps);
    expect(first.result).toMatchObject({ ok: true, start: "booted" });
    expect(states()).toHaveLength(1);
    // The module-free initramfs is made once and kept beside the states.
    const initramfs = readdirSync(join(cache, "kforge", "initramfs"));
    // Per release: the agent with the release's 9p modules (vm/share/).
    expect(initramfs).toEqual([expect.stringMatching(/^agent-[0-9a-f]{16}-[0-9a-f]{16}\.cpio$/)]);
    const written = statSync(join(cache, "kforge", "initramfs", initramfs[0]!)).mtimeMs;
    const second = await vm(greet, steps);
    expect(readdirSync(join(cache, "kforge", "initramfs"))).toEqual(initramfs);
    expect(statSync(join(cache, "kforge", "initramfs", initramfs[0]!)).mtimeMs).toBe(written);
    expect(second.exitCode).toBe(0);
    expect(second.result.start).toBe("restored");
    expect(stepFacts(second.result)).toEqual(stepFacts(cold.result));
    expect(stepFacts(second.result)[0]!.kernelLog).toContain("greet: hello world x2");
    expect(second.result.taint).toEqual(cold.result.taint);

    const before = Date.now() / 1000;
    const clock = await vm(greet, ["--exec", "date +%s"]);
    const after = Date.now() / 1000;
    expect(clock.result.start).toBe("restored");
    const guestSeconds = Number(clock.result.steps.find((step) => step.name === "date +%s")!.output);
    expect(guestSeconds).toBeGreaterThanOrEqual(Math.floor(before) - 1);
    expect(guestSeconds).toBeLessThanOrEqual(after + 1);
  });

  it("boots cold and saves another state when --memory or --append changes the machine", async () => {
    const memory = await vm(greet, ["--memory", "320"]);
    expect(memory.result).toMatchObject({ ok: true, start: "booted" });
    expect(states()).toHaveLength(2);
    const append = await vm(greet, ["--append", "kforge.test=1"]);
    expect(append.result).toMatchObject({ ok: true, start: "booted" });
    expect(states()).toHaveLength(3);
  });

  it("falls back to a cold boot with a notice when the saved state is corrupted, and replaces it", async () => {
    const { result } = await vm(greet, []);
    expect(result.start).toBe("restored");
    const newest = states()
      .map((name) => join(snapshots, name))
      .sort((left, right) => statSync(right).mtimeMs - statSync(left).mtimeMs)[0]!;
    // QEMU's header kept, the rest garbage with terminal escapes in it: QEMU quotes some of it back.
    const saved = readFileSync(newest);
    const garbage = Buffer.from(Array.from({ length: saved.length - 64 }, (_, index) => [0x1b, 0x5d, 0x07, 0xff, 0x41][index % 5]!));
    writeFileSync(newest, Buffer.concat([saved.subarray(0, 64), garbage]));
    const broken = await vm(greet, []);
    expect(broken.result).toMatchObject({ ok: true, start: "booted" });
    expect(broken.result.notices.join("\n")).toMatch(/saved guest state did not restore.*booting cold and saving a new one/);
    // Nothing of the file reaches the terminal as it is.
    expect(broken.stderr).toMatch(/^kforge: the saved guest state did not restore \(qemu-system-x86_64: [\x20-\x7e]*\); booting cold/m);
    expect(broken.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\uffff]/);
    // A state without the guest RAM is a few hundred KB of device state; the RAM is saved beside it.
    expect(statSync(newest).size).toBeGreaterThan(64 * 1024);
    expect(statSync(newest.replace(/\.state$/, ".ram")).blocks * 512).toBeGreaterThan(16 * 1024 * 1024);
    expect((await vm(greet, [])).result.start).toBe("restored");
    // A RAM file cut short (a full disk while saving) is refused by QEMU before the guest runs.
    truncateSync(newest.replace(/\.state$/, ".ram"), 1024 * 1024);
    const truncated = await vm(greet, []);
    expect(truncated.result).toMatchObject({ ok: true, start: "booted" });
    // QEMU refuses the file at start-up, and the notice is said as it happens, not only in the JSON.
    expect(truncated.stderr).toMatch(/kforge: the saved guest state did not restore \(qemu-system-x86_64: backing store size/);
    expect((await vm(greet, [])).result.start).toBe("restored");
  });

  it("discards damaged cache files with a notice, makes them again, and still restores", async () => {
    const cacheDir = join(cache, "kforge");
    writeFileSync(join(snapshots, "identities.json"), Buffer.from([0x7b, 0x1b, 0x5b, 0x32, 0x4a, 0xff]));
    const [vmlinux] = readdirSync(join(cacheDir, "vmlinux")).filter((name) => !name.endsWith(".no-pvh"));
    truncateSync(join(cacheDir, "vmlinux", vmlinux!), 1024 * 1024);
    const [agent] = readdirSync(join(cacheDir, "initramfs"));
    truncateSync(join(cacheDir, "initramfs", agent!), 4096);
    // Left by an earlier agent script: nothing uses it again.
    writeFileSync(join(cacheDir, "initramfs", "agent-0123456789abcdef.cpio"), "old");
    // A test script named beyond ASCII is sent into a restored guest as a cold boot puts it in.
    writeFileSync(join(greet, "tést.sh"), 'echo "ran $0"\n');
    writeFileSync(join(greet, "kforge.json"), JSON.stringify({ vm: { test: ["tést.sh"] } }));
    const run = await vm(greet, []);
    rmSync(join(greet, "kforge.json"));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result.start).toBe("restored");
    expect(run.result.steps.find((step) => step.name === "sh ./tést.sh")).toMatchObject({ ok: true, output: "ran ./tést.sh\n" });
    for (const file of [join(snapshots, "identities.json"), join(cacheDir, "vmlinux", vmlinux!), join(cacheDir, "initramfs", agent!)])
      expect(run.stderr).toContain(`kforge: discarded a damaged cache file, ${file} (`);
    expect(readdirSync(join(cacheDir, "initramfs"))).toEqual([agent]);
    expect(statSync(join(cacheDir, "vmlinux", vmlinux!)).size).toBeGreaterThan(1024 * 1024);
  });

  it("says that a Ctrl-C during the state save interrupted it, with nothing to do, and leaves no partial state", async () => {
    const before = states();
    const child = spawn(process.execPath, [KFORGE_BIN, "vm", greet, ...on61, "--memory", "352"], {
      env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: cache },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const saving = () => existsSync(snapshots) && readdirSync(snapshots).some((name) => name.includes(".state.tmp-"));
    const deadline = Date.now() + 100_000;
    while (!saving() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("kforge: the guest state save was interrupted: nothing was saved, and there is nothing to do");
    expect(stderr).not.toContain("channel closed");
    expect(stderr).not.toContain("--cold");
    expect(states()).toEqual(before);
    expect(readdirSync(snapshots).filter((name) => /lock|tmp/.test(name))).toEqual([]);
  });

  it("runs two kforge processes at once for a machine with no state yet: both succeed, one state is saved", async () => {
    const before = states().length;
    const [left, right] = await Promise.all([vm(greet, ["--memory", "384"]), vm(greet, ["--memory", "384"])]);
    expect([left.exitCode, right.exitCode]).toEqual([0, 0]);
    expect([left.result.ok, right.result.ok]).toEqual([true, true]);
    expect(states()).toHaveLength(before + 1);
    expect(readdirSync(snapshots).filter((name) => /lock|tmp/.test(name))).toEqual([]);
  });

  it("reports a module that oopses in a restored guest exactly as in a booted one", async () => {
    const oops = createProject("oops", "oops/oops.c");
    const cold = await vm(oops, ["--cold"]);
    const warm = await vm(oops, []);
    expect(warm.result.start).toBe("restored");
    expect([cold.exitCode, warm.exitCode]).toEqual([1, 1]);
    const crash = (result: VmResult) =>
      result.crashes.map(({ kind, function: name, module, step, source }) => ({ kind, name, module, step, source }));
    expect(crash(warm.result)).toEqual(crash(cold.result));
    expect(crash(warm.result)[0]).toMatchObject({ kind: "null-dereference", name: "oops_touch", step: "insmod oops", source: "oops.c:8" });
    expect(warm.result.skipped).toEqual(cold.result.skipped);
  });

  it("lists the saved states with size and machine, and prunes them, damaged ones too", async () => {
    const env = { XDG_CACHE_HOME: cache };
    // A state whose description is garbage: listed as damaged, never read, removed by prune.
    writeFileSync(join(snapshots, "deadbeef.json"), "\u001b[2J{");
    writeFileSync(join(snapshots, "deadbeef.state"), "state");
    const listed = await runKforge(["kernel", "snapshots", "--json"], { env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const {
      snapshots: saved,
      totalBytes,
      damaged,
    } = JSON.parse(listed.stdout) as {
      snapshots: { key: string; release: string; memoryMb: number; sizeBytes: number }[];
      totalBytes: number;
      damaged: string[];
    };
    expect(damaged).toEqual(["deadbeef"]);
    expect(saved.map((state) => `${state.key}.state`).sort()).toEqual(
      states()
        .filter((name) => name !== "deadbeef.state")
        .sort(),
    );
    expect(saved.map((state) => state.memoryMb).sort()).toEqual([256, 256, 320, 384]);
    expect(saved.every((state) => state.release === release && state.sizeBytes > 1024 * 1024)).toBe(true);
    expect(totalBytes).toBe(saved.reduce((sum, state) => sum + state.sizeBytes, 0));
    const table = await runKforge(["kernel", "snapshots"], { env });
    expect(table.stdout).toMatch(/4 saved states, \d+ MiB of 1024 MiB/);
    expect(table.stderr).toContain("kforge: 1 damaged saved state (deadbeef); kforge kernel prune removes them");
    expect((await runKforge(["kernel", "prune", "--stale"], { env })).stdout).toMatch(
      /removed 0 saved guest states \(0 MiB\) and 1 damaged state/,
    );
    expect(readdirSync(snapshots).filter((name) => name.startsWith("deadbeef"))).toEqual([]);
    const pruned = await runKforge(["kernel", "prune"], { env });
    expect(pruned.stdout).toMatch(/removed 4 saved guest states/);
    expect(states()).toEqual([]);
  });
});
