// Pure: the emulated devices of a guest (kforge.json vm.devices, --device) as QEMU -device values,
// with the in-tree modules the guest kernel needs to drive their bus. A shortcut names a device and
// what it needs (a USB device needs a USB controller, added once); anything else is passed to QEMU
// as written, for advanced users, and QEMU itself says when it does not know a device.
import { UsageError } from "../../errors.js";

// The USB controller a USB device is plugged into, and the modules that drive it (Debian builds
// them as modules: CONFIG_USB, CONFIG_USB_XHCI_HCD and CONFIG_USB_XHCI_PCI=m in 6.1 and 6.12).
const USB_CONTROLLER = "qemu-xhci,id=kforge-usb";
const USB_CONTROLLER_MODULES = ["xhci_pci"];
// A USB HID device binds to usbhid, and its reports to hid-generic (both =m in Debian's 6.1 and 6.12).
const USB_HID_MODULES = ["usbhid", "hid_generic"];

// Each shortcut is a QEMU device model of that name, with the in-tree modules its driver needs.
export const DEVICE_SHORTCUTS: Record<string, string[]> = {
  edu: [],
  "pci-testdev": [],
  "usb-kbd": USB_HID_MODULES,
  "usb-mouse": USB_HID_MODULES,
  "usb-tablet": USB_HID_MODULES,
};

// Models QEMU saves no state for (no VMState): a restored guest would find their BARs unmapped.
const UNRESTORABLE = ["edu", "pci-testdev"];

export interface DevicePlan {
  // The values of QEMU's -device options, in order.
  devices: string[];
  // In-tree modules (names as in modules.dep) loaded before the project's, with what they need.
  modules: string[];
  // Why the guest must boot rather than be restored from a saved state, when it must.
  bootReason?: string;
}

// The QEMU device model a -device value names: the text before its first comma.
const modelOf = (entry: string) => entry.split(",")[0]!;

export function planDevices(entries: string[]): DevicePlan {
  const devices: string[] = [];
  const modules: string[] = [];
  for (const entry of entries) {
    checkEntry(entry);
    const needs = Object.hasOwn(DEVICE_SHORTCUTS, entry) ? DEVICE_SHORTCUTS[entry]! : [];
    // Any usb-* device (usb-host, usb-storage, a raw usb-kbd,id=...) needs a USB bus.
    if (modelOf(entry).startsWith("usb-") && !devices.includes(USB_CONTROLLER)) {
      devices.push(USB_CONTROLLER);
      modules.push(...USB_CONTROLLER_MODULES);
    }
    devices.push(entry);
    for (const name of needs) if (!modules.includes(name)) modules.push(name);
  }
  return { devices, modules, ...bootReasonOf(devices, modules) };
}

function bootReasonOf(devices: string[], modules: string[]): { bootReason?: string } {
  const unrestorable = devices.map(modelOf).find((model) => UNRESTORABLE.includes(model));
  if (unrestorable) return { bootReason: `QEMU cannot restore the ${unrestorable} device from a saved guest state` };
  // A USB bus's modules are megabytes: an initramfs carries them faster than a restored guest's serial port.
  if (modules.length) return { bootReason: `the devices need ${modules.join(", ")}, which a boot's initramfs carries fastest` };
  return {};
}

function checkEntry(entry: string): void {
  const problem =
    entry.trim() === ""
      ? "is empty"
      : /[\s\u0000-\u001f\u007f]/.test(entry)
        ? "contains a space or a control character"
        : entry.startsWith("-")
          ? "starts with a dash"
          : undefined;
  if (problem)
    throw new UsageError(
      `the device ${JSON.stringify(entry)} (kforge.json vm.devices or --device) ${problem}`,
      `give a shortcut (${Object.keys(DEVICE_SHORTCUTS).join(", ")}) or a QEMU -device value such as ` +
        "edu,id=dev0 (qemu-system-x86_64 -device help lists the models)",
    );
}

// kforge watch sends modules into a guest that stays up, over its serial port: a USB bus's megabytes
// of in-tree modules are not sent that way (kforge vm and test boot with them in the initramfs).
export function checkWatchDevices(plan: DevicePlan): void {
  if (plan.modules.length === 0) return;
  throw new UsageError(
    `kforge watch does not drive devices that need in-tree bus modules yet (${plan.modules.join(", ")})`,
    "use kforge vm or kforge test for the USB devices, or leave them out of --device and kforge.json vm.devices while watching",
  );
}

// QEMU's error about one of the -device options ("qemu-system-x86_64: -device foo: 'foo' is not a
// valid device model name"), already made printable, as a usage error: the guest never started.
export function findDeviceError(qemuError: string | undefined): UsageError | undefined {
  const match = qemuError === undefined ? null : /^qemu[\w-]*: -device (\S+): (.*)$/.exec(qemuError);
  if (!match) return undefined;
  return new UsageError(
    `QEMU refused the device ${match[1]}: ${match[2]}`,
    "fix or remove it in kforge.json vm.devices or --device: qemu-system-x86_64 -device help lists the models, " +
      "and -device <model>,help a model's properties",
  );
}
