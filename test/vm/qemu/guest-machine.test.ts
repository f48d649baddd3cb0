import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { ARM64_MACHINE, ARM_MACHINE, checkGuestMemory, X86_64_MACHINE } from "../../../src/vm/qemu/guest-machine.js";

describe("checkGuestMemory", () => {
  it("refuses more RAM than QEMU's 32-bit arm virt machine addresses, naming the limit", () => {
    expect(() => checkGuestMemory(ARM_MACHINE, 3073)).toThrow(UsageError);
    expect(() => checkGuestMemory(ARM_MACHINE, 4096)).toThrow(/an arm guest takes at most 3072 MiB of RAM, and 4096 MiB was asked for/);
  });

  it("takes up to the limit on 32-bit arm, and any amount where the machine has none", () => {
    expect(() => checkGuestMemory(ARM_MACHINE, 3072)).not.toThrow();
    expect(() => checkGuestMemory(ARM64_MACHINE, 8192)).not.toThrow();
    expect(() => checkGuestMemory(X86_64_MACHINE, 8192)).not.toThrow();
  });
});
