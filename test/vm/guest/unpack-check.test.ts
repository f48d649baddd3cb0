// The initramfs check on the consoles of real cold boots (Debian 6.1 and 6.12 under TCG, 123 MiB of
// modules in a 256 MiB guest), and what it tells the user.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeIncompleteInitramfs, parseUnpackFailure } from "../../../src/vm/guest/unpack-check.js";

const consoleOf = (name: string) => readFileSync(new URL(`../../fixtures/vm/console/${name}`, import.meta.url), "utf8").split("\n");
const MIB = 1024 * 1024;

describe("parseUnpackFailure", () => {
  it("finds the kernel's words on 6.1 and 6.12", () => {
    for (const name of ["initramfs-overflow-6.1.log", "initramfs-overflow-6.12.log"])
      expect(consoleOf(name).map(parseUnpackFailure).filter(Boolean)).toEqual(["write error"]);
  });

  it("ignores other lines, and the words inside another message", () => {
    expect(parseUnpackFailure("[    0.912000] Trying to unpack rootfs image as initramfs...")).toBeUndefined();
    expect(parseUnpackFailure("[    3.1] hostile: Initramfs unpacking failed: write error")).toBeUndefined();
    expect(parseUnpackFailure("[    3.1] Initramfs unpacking failed: broken padding")).toBe("broken padding");
  });
});

describe("describeIncompleteInitramfs", () => {
  const initramfs = { bytes: 123 * MIB, largestModuleBytes: 40 * MIB };

  it("says nothing when the archive arrived whole and the kernel did not complain", () => {
    expect(describeIncompleteInitramfs({ whole: true, memoryMb: 256, initramfs })).toBeUndefined();
  });

  it("blames the memory for a write error and names what to ask for", () => {
    const said = describeIncompleteInitramfs({ consoleError: "write error", whole: false, memoryMb: 256, initramfs })!;
    expect(said.diagnosis).toBe(
      'the 123 MiB initramfs did not fit in the guest\'s 256 MiB of memory (the kernel said "Initramfs unpacking failed: write error"): ' +
        "the modules and test files never all reached the guest, so no step ran",
    );
    expect(said.hint).toBe("give the guest more memory: --memory 448 (or vm.memory in kforge.json); without either, kforge sizes it");
  });

  it("fails a cut archive the kernel said nothing about, and doubles a memory that should have been enough", () => {
    const said = describeIncompleteInitramfs({ whole: false, memoryMb: 512, initramfs })!;
    expect(said.diagnosis).toContain("(its last entry never arrived)");
    expect(said.hint).toContain("--memory 1024");
  });

  it("does not blame the memory for a damaged archive", () => {
    const said = describeIncompleteInitramfs({ consoleError: "broken padding", whole: false, memoryMb: 256, initramfs })!;
    expect(said.diagnosis).toContain('did not unpack (the kernel said "Initramfs unpacking failed: broken padding")');
    expect(said.hint).not.toContain("--memory");
  });
});
