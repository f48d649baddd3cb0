// Pure: a cold guest whose initramfs did not unpack whole, which would otherwise run every step
// without its files. The kernel says so on the console (init/initramfs.c; the same words on 6.1 and
// 6.12: "Initramfs unpacking failed: write error" once the tmpfs it unpacks into is full), and the
// agent's hello says whether the archive's last entry arrived (guest/init-script.ts).
import { stripKernelLogPrefix } from "../../kernel-log/module-messages.js";
import { type InitramfsSize, neededGuestMemoryMb } from "./memory.js";

const UNPACK_FAILED = /^Initramfs unpacking failed: (.{1,200})$/;

// "[    2.906123] Initramfs unpacking failed: write error" -> "write error".
export function parseUnpackFailure(consoleLine: string): string | undefined {
  return UNPACK_FAILED.exec(stripKernelLogPrefix(consoleLine).trim())?.[1];
}

export interface UnpackFacts {
  // What the kernel said after "Initramfs unpacking failed: ", if it did during boot.
  consoleError?: string;
  // The agent found the archive's last entry.
  whole: boolean;
  memoryMb: number;
  initramfs?: InitramfsSize;
}

export function describeIncompleteInitramfs(facts: UnpackFacts): { diagnosis: string; hint: string } | undefined {
  if (facts.whole && facts.consoleError === undefined) return undefined;
  const said =
    facts.consoleError === undefined
      ? "its last entry never arrived"
      : `the kernel said "Initramfs unpacking failed: ${facts.consoleError}"`;
  const size = facts.initramfs ? ` ${Math.ceil(facts.initramfs.bytes / 1024 / 1024)} MiB` : "";
  if (facts.consoleError !== undefined && facts.consoleError !== "write error")
    return {
      diagnosis: `the guest's${size} initramfs did not unpack (${said}): the modules and test files never all reached it, so no step ran`,
      hint: "run again; if it persists, read the console log and report it: kforge wrote that archive",
    };
  const needed = facts.initramfs ? neededGuestMemoryMb(facts.initramfs) : 2 * facts.memoryMb;
  return {
    diagnosis:
      `the${size} initramfs did not fit in the guest's ${facts.memoryMb} MiB of memory (${said}): ` +
      "the modules and test files never all reached the guest, so no step ran",
    hint:
      `give the guest more memory: --memory ${needed > facts.memoryMb ? needed : facts.memoryMb * 2} ` +
      "(or vm.memory in kforge.json); without either, kforge sizes it",
  };
}
