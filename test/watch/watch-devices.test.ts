// `kforge watch --vm` with emulated devices: a real 6.1 guest under TCG with QEMU's edu device, driven
// by the pci template's driver, then the devices watch refuses before building anything.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { loadOf, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-devices-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("kforge watch --vm with emulated devices on Debian 6.1 (TCG)", () => {
  const dir = join(root, "watched_edu");
  const temp = join(root, "temp");

  beforeAll(async () => {
    mkdirSync(temp);
    const created = await runKforge(["new", "watched_edu", "--template", "pci", "--dir", dir, "--author", "kforge tests"]);
    expect(created.exitCode, created.stderr).toBe(0);
  });

  it("boots its guest with kforge.json's edu device, binds the driver and passes the template's checks", { timeout: 240_000 }, async () => {
    const checks = (JSON.parse(readFileSync(join(dir, "kforge.json"), "utf8")) as { vm: { test: string[] } }).vm.test;
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp);
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0, 180_000);
      // edu has no saved state in QEMU: the guest boots, whatever states the cache holds.
      expect(watch.events[ready]).toMatchObject({ mode: "vm", start: "booted" });
      expect(watch.stderr).toContain("booting cold: QEMU cannot restore the edu device from a saved guest state");
      await watch.waitFor(loadOf("watched_edu"), ready);
      const last = await watch.waitFor((event) => event.event === "test" && event.step.name === checks.at(-1), ready);
      const tests = watch.events
        .slice(ready, last + 1)
        .filter((event): event is Extract<WatchEvent, { event: "test" }> => event.event === "test");
      expect(tests.map((event) => [event.step.name, event.step.ok])).toEqual(checks.map((check) => [check, true]));
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(leftoverProcesses(temp)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });

  it("refuses USB devices, whose bus modules it would send over the serial port, and --device with --host", async () => {
    const usb = await runKforge(["watch", dir, "--kernel", kernel61().release, "--device", "usb-tablet"]);
    expect(usb.exitCode).toBe(2);
    expect(usb.stderr).toContain("kforge watch does not drive devices that need in-tree bus modules yet (xhci_pci, usbhid, hid_generic)");
    expect(usb.stderr).not.toContain("built");
    const host = await runKforge(["watch", dir, "--host", "--device", "edu"]);
    expect(host.exitCode).toBe(2);
    expect(host.stderr).toContain("--device adds an emulated device to a guest");
  });
});
