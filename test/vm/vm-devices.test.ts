// Real boots with emulated devices (Debian's 6.12 under TCG; the 6.1 run of the pci template is in
// test/scaffold/vm-load.test.ts): one guest with the pci template's driver bound to QEMU's edu device
// and a USB keyboard that the in-tree HID drivers bind, then devices QEMU refuses, which boot nothing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel612 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-devices-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// QEMU's usb-kbd is USB 0627:0001; hid-generic names the HID device <bus 0003>:<vendor>:<product>.<n>.
const KEYBOARD_BOUND =
  "i=0; while [ $i -lt 100 ] && ! ls /sys/bus/hid/drivers/hid-generic | grep -q '^0003:0627:0001'; do sleep 0.1; i=$((i+1)); done; " +
  "ls /sys/bus/hid/drivers/hid-generic | grep '^0003:'";

describe("kforge vm with emulated devices on Debian 6.12 (TCG)", () => {
  const release = kernel612().release;
  const dir = join(root, "edu_driver");

  beforeAll(async () => {
    const created = await runKforge(["new", "edu_driver", "--template", "pci", "--dir", dir, "--author", "kforge tests"]);
    expect(created.exitCode, created.stderr).toBe(0);
  });

  it("binds the pci template's driver to edu, whose interrupts it counts, and usb-kbd to hid-generic, in one boot", {
    timeout: 180_000,
  }, async () => {
    const config = JSON.parse(readFileSync(join(dir, "kforge.json"), "utf8")) as { vm: { devices: string[]; test: string[] } };
    expect(config.vm.devices).toEqual(["edu"]);
    const args = ["vm", dir, "--kernel", release, "--accel", "tcg", "--device", "usb-kbd", "--exec", KEYBOARD_BOUND, "--json"];
    const run = await runKforge(args, { timeoutMs: 150_000 });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(run.exitCode, JSON.stringify(result.steps, null, 1)).toBe(0);
    // The bus drivers come from the release's modules tree, before the project's module.
    const loads = result.steps.filter((step) => step.kind === "load").map((step) => step.module);
    expect(loads).toEqual(expect.arrayContaining(["usbcore", "xhci_hcd", "xhci_pci", "hid", "usbhid", "hid_generic"]));
    expect(loads.at(-1)).toBe("edu_driver");
    // edu cannot be restored from a saved state: the guest booted.
    expect(result.start).toBe("booted");
    const probe = result.steps.find((step) => step.module === "edu_driver" && step.kind === "load")!;
    expect(probe.kernelLog.join("\n")).toMatch(/edu_driver 0000:[0-9a-f:.]+: edu device version 1\.0, MSI interrupt \d+/);
    // The template's checks: identification, two factorials each answered by an interrupt, 13! refused, the count.
    expect(result.steps.filter((step) => step.kind === "exec").map((step) => step.name)).toEqual([...config.vm.test, KEYBOARD_BOUND]);
    expect(result.steps.every((step) => step.ok)).toBe(true);
    const keyboard = result.steps.find((step) => step.name === KEYBOARD_BOUND)!;
    expect(keyboard.output).toMatch(/^0003:0627:0001\.[0-9A-F]{4}$/m);
    const unload = result.steps.find((step) => step.kind === "unload")!;
    const interrupts = /removed after (\d+) interrupts/.exec(unload.kernelLog.join("\n"));
    expect(Number(interrupts?.[1])).toBeGreaterThanOrEqual(2);
    expect(result.crashes).toEqual([]);
  });

  it("stops before booting on a device QEMU does not know, with QEMU's own words, exit 2 and no QEMU left", async () => {
    const marker = `kforge_test_${process.pid}`;
    const run = await runKforge(["vm", dir, "--kernel", release, "--accel", "tcg", "--device", `${marker},x=1`]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`kforge: error: QEMU refused the device ${marker},x=1: '${marker}' is not a valid device model name`);
    expect(run.stderr).toMatch(/hint: .*qemu-system-x86_64 -device help/);
    expect(run.stderr).not.toMatch(/ at .*\.js:\d+/);
    expect(leftoverProcesses(marker)).toBe("");
  });

  it("hands a raw usb-host value to QEMU as written, on the USB controller it adds", async () => {
    // No USB device here: a property usb-host does not have makes QEMU answer about the value it
    // got, which shows the value arrived whole and on a USB bus (else: "No 'usb-bus' bus found").
    const device = "usb-host,vendorid=0x046d,productid=0xc52b,kforge_probe=1";
    const run = await runKforge(["vm", dir, "--kernel", release, "--accel", "tcg", "--device", device]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`QEMU refused the device ${device}: Property 'usb-host.kforge_probe' not found`);
  });
});
