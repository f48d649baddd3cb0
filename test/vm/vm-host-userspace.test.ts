// The host's userspace in the guest (vm.userspace "host"), through the real CLI under TCG: the
// chardev template's misc device driven by a C client built here with the host's gcc (dynamically
// linked against the host's libc) and by python3, the project read-only at its own path, tmpfs where
// programs write; on 6.1 (--cold, then booted and saved, then restored) and 6.12 (booted, restored),
// a writable project (vm.projectWritable), a program exec'd without the host's sh, a step that hangs,
// and the errors for a QEMU without virtio-9p and a modules tree without the 9p modules. A private
// cache holds the states.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { cacheWithout9p, pathWithoutQemu9p, privateCache } from "../helpers/private-cache.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";

const root = mkdtempSync(join(tmpdir(), "kforge-host-userspace-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CLIENT = "./client";
const PYTHON =
  `python3 -c "import os; fd = os.open('/dev/echodev', os.O_RDWR); ` +
  `os.write(fd, b'py'); print(os.pread(fd, 2, 0).decode(), os.getcwd())"`;
const READ_ONLY = "echo changed > Kbuild";
// Files no host has: each must land in the guest's tmpfs, never on the host.
const PROBE = `kforge-probe-${process.pid}`;
// Written inside the host's userspace, copied back by the agent from its own root (docs/vm.md, artifacts).
const ARTIFACT = 'echo "$PWD" > "$KFORGE_ARTIFACTS/cwd.txt"';
const WRITABLE = `touch /tmp/${PROBE} /run/${PROBE} /var/tmp/${PROBE} "$HOME/${PROBE}" && echo "$HOME"`;

// The chardev template (a misc device, /dev/echodev) and the client, built here: ./client is an ELF
// the host's gcc linked against the host's libc.
async function createProject(name: string, kforgeJson: object): Promise<string> {
  const dir = join(root, name);
  const created = await runKforge(["new", "echodev", "--template", "chardev", "--dir", dir]);
  expect(created.exitCode, created.stderr).toBe(0);
  execFileSync("gcc", [
    "-Wall",
    "-Werror",
    "-o",
    join(dir, "client"),
    new URL("../fixtures/vm/host-userspace/client.c", import.meta.url).pathname,
  ]);
  expect(execFileSync("ldd", [join(dir, "client")], { encoding: "utf8" })).toMatch(/libc\.so\.6 => \//);
  writeFileSync(join(dir, "kforge.json"), JSON.stringify(kforgeJson));
  return dir;
}

async function vm(dir: string, cache: string, release: string, args: string[] = [], env = {}) {
  const run = await runKforge(["vm", dir, "--json", "--kernel", release, "--accel", "tcg", ...args], {
    env: { XDG_CACHE_HOME: cache, ...env },
    timeoutMs: 200_000,
  });
  try {
    return { ...run, result: JSON.parse(run.stdout) as VmResult };
  } catch {
    throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

const stepOf = (result: VmResult, name: string) => result.steps.find((step) => step.name === name)!;

function expectHostSteps(result: VmResult, dir: string, kbuild: string): void {
  expect(result.steps.map((step) => `${step.name}: ${step.ok ? "ok" : "failed"}`)).toEqual([
    "insmod echodev: ok",
    `${CLIENT}: ok`,
    `${PYTHON}: ok`,
    `${READ_ONLY}: failed`,
    `${WRITABLE}: ok`,
    `${ARTIFACT}: ok`,
    "rmmod echodev: ok",
  ]);
  expect(stepOf(result, CLIENT).output).toMatch(/^read back: written by the host's client \(glibc \d+\.\d+\)$/m);
  expect(stepOf(result, PYTHON).output.trim()).toBe(`py ${dir}`);
  expect(stepOf(result, READ_ONLY).output).toMatch(/Kbuild: Read-only file system/);
  expect(stepOf(result, WRITABLE).output.trim()).toBe(homedir());
  expect(readFileSync(join(dir, ".kforge/vm-out", result.release, "cwd.txt"), "utf8")).toBe(`${dir}\n`);
  // Nothing on the host changed: the Kbuild the template wrote is as it was.
  expect(readFileSync(join(dir, "Kbuild"), "utf8")).toBe(kbuild);
}

describe.each([
  ["6.1", kernel61, ["--cold", "", ""]],
  ["6.12", kernel612, ["", ""]],
])("kforge vm --userspace host on %s", (series, kernel, starts) => {
  const release = kernel().release;

  it("runs the host's C client and python3 against the driver, the project read-only at its path, cold and restored", async () => {
    const dir = await createProject(`echo-${series}`, { vm: { userspace: "host", test: [CLIENT, PYTHON, READ_ONLY, WRITABLE, ARTIFACT] } });
    const cache = privateCache(root, `cache-${series}`);
    const kbuild = readFileSync(join(dir, "Kbuild"), "utf8");
    const expected = starts.map((flag, index) => (flag === "--cold" || index === starts.indexOf("") ? "booted" : "restored"));
    for (const [index, flag] of starts.entries()) {
      // python3's first start under TCG on a loaded host can take tens of seconds: more than the default 60 s run.
      const { result, stderr } = await vm(dir, cache, release, [...(flag ? [flag] : []), "--timeout", "180"]);
      expect(result.end, result.diagnosis).toBe("completed");
      expect(result.start, stderr).toBe(expected[index]);
      expectHostSteps(result, dir, kbuild);
    }
    for (const folder of ["/tmp", "/run", "/var/tmp", homedir()]) expect(existsSync(join(folder, PROBE))).toBe(false);
    // The project's path is not part of the saved state: the same project elsewhere restores it.
    const moved = `${dir}-moved`;
    cpSync(dir, moved, { recursive: true });
    const elsewhere = await vm(moved, cache, release, ["--timeout", "180"]);
    expect(elsewhere.result.start, elsewhere.stderr).toBe("restored");
    expect(stepOf(elsewhere.result, PYTHON).output.trim()).toBe(`py ${moved}`);
  }, 600_000);
});

describe("kforge vm --userspace host on 6.12: a writable project, a program without the sh, a step that hangs", () => {
  const release = kernel612().release;

  it("writes into the project with vm.projectWritable, and a hanging step ends the run with nothing left running", async () => {
    const dir = await createProject("writable", { vm: { userspace: "host", projectWritable: true, test: ["echo written > out.txt"] } });
    const cache = privateCache(root, "cache-writable");
    // One guest: the write, a program by its path (exec'd without the host's sh) against the same
    // through the sh, a missing one, then a step that never ends.
    const steps = ["/usr/bin/env", "exec /usr/bin/env", "./missing", "./client && sleep 600"];
    const run = await vm(dir, cache, release, ["--cold", ...steps.flatMap((step) => ["--exec", step]), "--timeout", "40"]);
    expect(stepOf(run.result, "echo written > out.txt").ok, run.stderr).toBe(true);
    expect(stepOf(run.result, "/usr/bin/env").output).toContain(`\nPWD=${dir}\n`);
    expect(stepOf(run.result, "/usr/bin/env").output).toBe(stepOf(run.result, "exec /usr/bin/env").output);
    expect(stepOf(run.result, "./missing")).toMatchObject({ exitCode: 127, output: "/bin/sh: 2: ./missing: not found\n" });
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("written\n");
    expect(run.result).toMatchObject({ ok: false, end: "step-timeout" });
    expect(stepOf(run.result, "./client && sleep 600").ok).toBe(false);
    // QEMU's command line names the project dir (its 9p export).
    expect(leftoverProcesses(dir)).toBe("");
  }, 400_000);
});

describe("kforge vm --userspace host without 9p", () => {
  const release = kernel61().release;

  it("fails with what to do when the modules tree lacks the 9p modules or QEMU has no virtio-9p, booting nothing", async () => {
    const dir = await createProject("no-9p", { vm: { test: [CLIENT] } });
    const failure = (run: { exitCode: number | null; result: unknown }) => {
      expect(run.exitCode).toBe(2);
      return (run.result as { error: { message: string; hint: string } }).error;
    };
    const noModules = failure(await vm(dir, await cacheWithout9p(root, release), release, ["--userspace", "host"]));
    expect(noModules.message).toMatch(/the host userspace needs kernel .*'s 9p modules, and .*modules\.dep lacks 9pnet_virtio, 9p/);
    expect(noModules.hint).toMatch(/--userspace busybox/);
    const env = { PATH: pathWithoutQemu9p(root) };
    const noQemu9p = failure(await vm(dir, privateCache(root, "cache-qemu-without-9p"), release, ["--userspace", "host"], env));
    expect(noQemu9p.message).toMatch(/shared into the guest over virtio-9p, and .*qemu-system-x86_64 has no virtio-9p-pci device/);
    // The busybox guest needs neither: the same project runs there (its step fails: no ./client in the guest).
    const busybox = await vm(dir, privateCache(root, "cache-busybox"), release, ["--cold"], env);
    expect(busybox.result.steps.map((step) => step.name)).toEqual(["insmod echodev", "sh ./client", "rmmod echodev"]);
  }, 300_000);
});
