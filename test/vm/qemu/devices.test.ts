import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { findDeviceError, planDevices } from "../../../src/vm/qemu/devices.js";
import { findQemuError } from "../../../src/vm/qemu/process.js";

describe("planDevices", () => {
  it("passes PCI shortcuts through with no in-tree module, and boots for them: QEMU saves no state for edu or pci-testdev", () => {
    expect(planDevices(["edu", "pci-testdev"])).toEqual({
      devices: ["edu", "pci-testdev"],
      modules: [],
      bootReason: "QEMU cannot restore the edu device from a saved guest state",
    });
    expect(planDevices(["pci-testdev,membar=0x2000"]).bootReason).toMatch(/pci-testdev device/);
  });

  it("lets a guest with no device, or only raw devices QEMU can save, start from a saved state", () => {
    expect(planDevices([])).toEqual({ devices: [], modules: [] });
    expect(planDevices(["virtio-rng-pci"])).toEqual({ devices: ["virtio-rng-pci"], modules: [] });
  });

  it("adds the USB controller once, before the first USB device, with the modules of the bus and of HID", () => {
    expect(planDevices(["usb-kbd", "usb-mouse", "usb-tablet"])).toEqual({
      devices: ["qemu-xhci,id=kforge-usb", "usb-kbd", "usb-mouse", "usb-tablet"],
      modules: ["xhci_pci", "usbhid", "hid_generic"],
      bootReason: "the devices need xhci_pci, usbhid, hid_generic, which a boot's initramfs carries fastest",
    });
  });

  it("passes a raw -device value as written, plugging a raw USB device into the controller without HID modules", () => {
    expect(planDevices(["usb-host,vendorid=0x046d,productid=0xc52b"])).toMatchObject({
      devices: ["qemu-xhci,id=kforge-usb", "usb-host,vendorid=0x046d,productid=0xc52b"],
      modules: ["xhci_pci"],
    });
    expect(planDevices(["edu,dma_mask=0xffffffff"]).devices).toEqual(["edu,dma_mask=0xffffffff"]);
  });

  it.each(["", " ", "edu pci-testdev", "edu\n", "-device edu", "edu\u001b[2J"])("refuses %j as a device", (entry) => {
    expect(() => planDevices([entry])).toThrow(UsageError);
    expect(() => planDevices([entry])).toThrow(/kforge.json vm.devices or --device/);
  });
});

describe("findDeviceError", () => {
  // QEMU 7.2's own words, captured from qemu-system-x86_64 with each -device.
  it.each([
    ["qemu-system-x86_64: -device foo: 'foo' is not a valid device model name", "foo", "'foo' is not a valid device model name"],
    ["qemu-system-x86_64: -device edu,bogus=1: Property 'edu.bogus' not found", "edu,bogus=1", "Property 'edu.bogus' not found"],
  ])("turns %j into a usage error that names the device", (stderr, device, reason) => {
    const error = findDeviceError(findQemuError(`${stderr}\n`));
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toBe(`QEMU refused the device ${device}: ${reason}`);
    expect(error?.hint).toMatch(/-device help/);
  });

  it("leaves QEMU's other errors to the boot diagnosis", () => {
    expect(findDeviceError("qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory")).toBeUndefined();
    expect(findDeviceError(undefined)).toBeUndefined();
  });

  it("shows the bytes of a device name QEMU quotes as escapes, never as they are", () => {
    const error = findDeviceError(findQemuError("qemu-system-x86_64: -device x\u009b2J: 'x\u009b2J' is not a valid device model name\n"));
    expect(error?.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(error?.message).toContain("\\x9b");
  });
});
