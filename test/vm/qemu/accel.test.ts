// The remembered accelerator decision (accel.json) is read as untrusted text: only what kforge writes
// is taken, and nothing else reaches QEMU's command line or a notice.
import { describe, expect, it } from "vitest";
import { acceptAccelMemory, chooseAccel } from "../../../src/vm/qemu/accel.js";
import { ARM64_MACHINE } from "../../../src/vm/qemu/guest-machine.js";

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

// This test machine is x86_64: an arm64 guest cannot use KVM here, whatever /dev/kvm says.
describe("chooseAccel for a guest of another architecture", () => {
  it("chooses TCG with the reason under auto, and refuses --accel kvm with what to pass instead", async () => {
    expect(await chooseAccel("auto", {}, undefined, ARM64_MACHINE)).toEqual({
      accel: "tcg",
      probe: false,
      reason: "an arm64 guest on an x86_64 machine runs under TCG",
    });
    await expect(chooseAccel("kvm", {}, undefined, ARM64_MACHINE)).rejects.toMatchObject({
      message: expect.stringMatching(/^--accel kvm: an arm64 guest on an x86_64 machine runs under TCG/),
      hint: "use --accel tcg or auto",
    });
  });
});
