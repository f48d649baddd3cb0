import { describe, expect, it } from "vitest";
import { fitGuestMemory, neededGuestMemoryMb } from "../../../src/vm/guest/memory.js";

const MIB = 1024 * 1024;

describe("neededGuestMemoryMb", () => {
  it("is the boot minimum plus twice the archive plus the largest module, in steps of 64 MiB", () => {
    // 128 + 2 * 123 + 40 = 414 -> 448: what booted the three 40 MiB modules of vm-initramfs.test.ts.
    expect(neededGuestMemoryMb({ bytes: 123 * MIB, largestModuleBytes: 40 * MIB })).toBe(448);
    expect(neededGuestMemoryMb({ bytes: 3 * MIB, largestModuleBytes: MIB / 2 })).toBe(192);
    expect(neededGuestMemoryMb({ bytes: 0, largestModuleBytes: 0 })).toBe(128);
  });
});

describe("fitGuestMemory", () => {
  const big = { bytes: 123 * MIB, largestModuleBytes: 40 * MIB };

  it("keeps a memory that fits, the default included, without a word", () => {
    expect(fitGuestMemory({ mb: 256, isDefault: true }, { bytes: 5 * MIB, largestModuleBytes: MIB })).toEqual({ memoryMb: 256 });
    expect(fitGuestMemory({ mb: 512, isDefault: false }, big)).toEqual({ memoryMb: 512 });
  });

  it("raises the default to what the initramfs needs, and says so", () => {
    expect(fitGuestMemory({ mb: 256, isDefault: true }, big)).toEqual({
      memoryMb: 448,
      notice:
        "guest memory: 448 MiB instead of the default 256, to fit the 123 MiB initramfs (the kernel unpacks it into a file " +
        "system capped at half the guest's memory, and insmod copies each module again); --memory or vm.memory sets it",
    });
  });

  it("keeps the user's choice, with a notice when it looks too small", () => {
    expect(fitGuestMemory({ mb: 256, isDefault: false }, big)).toEqual({
      memoryMb: 256,
      notice: "256 MiB of guest memory may be too little for the 123 MiB initramfs (about 448 MiB needed)",
    });
  });
});
