// Whether a build tree's kbuild helpers (scripts/basic/fixdep, scripts/mod/modpost) run on this machine.
// Debian's arm64 headers point `scripts` at the arm64 linux-kbuild package: unpacked on an amd64 machine,
// make stops at the first helper with "cannot execute binary file".
import { open } from "node:fs/promises";
import { join } from "node:path";
import { ELF_MACHINE_NAMES, elfHeaderMachine } from "../module/elf.js";
import { hostArchitecture, type Architecture } from "./architecture.js";

const HELPER_PROGRAMS = ["scripts/basic/fixdep", "scripts/mod/modpost"];

// The e_machine of each helper that exists in the tree.
export async function readHelperMachines(kdir: string): Promise<{ path: string; machine: number | undefined }[]> {
  const found: { path: string; machine: number | undefined }[] = [];
  for (const helper of HELPER_PROGRAMS) {
    const path = join(kdir, helper);
    const file = await open(path).catch(() => undefined);
    if (!file) continue;
    try {
      const header = Buffer.alloc(20);
      const { bytesRead } = await file.read(header, 0, header.length, 0);
      found.push({ path, machine: elfHeaderMachine(header.subarray(0, bytesRead)) });
    } finally {
      await file.close();
    }
  }
  return found;
}

// Pure: the first helper built for another machine, described, or undefined when all can run here.
// A helper that is no ELF program (a script) runs anywhere.
export function foreignHelper(
  helpers: readonly { path: string; machine: number | undefined }[],
  host: Architecture | undefined = hostArchitecture(),
): string | undefined {
  if (!host) return undefined;
  const foreign = helpers.find((helper) => helper.machine !== undefined && helper.machine !== host.elfMachine);
  if (!foreign) return undefined;
  const machine = ELF_MACHINE_NAMES[foreign.machine!] ?? `machine ${foreign.machine}`;
  return `${foreign.path} is a program for ${machine}, which cannot run on this ${host.name} machine`;
}
