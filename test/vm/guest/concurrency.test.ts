import { describe, expect, it } from "vitest";
import { planGuestConcurrency, QEMU_OVERHEAD_MB } from "../../../src/vm/guest/concurrency.js";

describe("planGuestConcurrency", () => {
  it("runs no more guests than kernels or CPUs", () => {
    expect(planGuestConcurrency(3, 2, 20_000, 256)).toBe(2);
    expect(planGuestConcurrency(2, 8, 20_000, 256)).toBe(2);
  });

  it("keeps half the free memory for the rest of the machine", () => {
    const perGuest = 256 + QEMU_OVERHEAD_MB;
    expect(planGuestConcurrency(4, 8, 2 * 3 * perGuest, 256)).toBe(3);
    expect(planGuestConcurrency(4, 8, 2 * 3 * perGuest - 1, 256)).toBe(2);
  });

  it("always runs at least one guest, even when memory looks short", () => {
    expect(planGuestConcurrency(2, 2, 100, 1024)).toBe(1);
  });
});
