// The remembered accelerator decision (accel.json) is read as untrusted text: only what kforge writes
// is taken, and nothing else reaches QEMU's command line or a notice.
import { describe, expect, it } from "vitest";
import { acceptAccelMemory } from "../../../src/vm/qemu/accel.js";

describe("accel.json", () => {
  it("takes a decision kforge wrote and refuses any other shape or accelerator", () => {
    const written = { hostKernel: "6.1.0-1-amd64", accel: "tcg", reason: "a KVM boot did not reach the init script" };
    expect(acceptAccelMemory(written)).toEqual(written);
    for (const damaged of [null, [], "tcg", { ...written, accel: "bogus -device foo" }, { ...written, hostKernel: 5 }, { accel: "kvm" }])
      expect(acceptAccelMemory(damaged)).toBeUndefined();
    // A reason is shown in a notice: no control character of it reaches the terminal.
    expect(acceptAccelMemory({ ...written, reason: "\u001b]0;title\u0007" })?.reason).toBe("?]0;title?");
  });
});
