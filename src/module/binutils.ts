// Pure: which binutils program reads an ELF file of a given machine. This machine's own (Debian's
// binutils) reads only its architecture's files; another's is read by its cross binutils, which come
// with the cross compiler (binutils-aarch64-linux-gnu with gcc-aarch64-linux-gnu).
import { ARCHITECTURES, hostArchitecture } from "../kernel/architecture.js";

export function binutilsFor(tool: "objcopy" | "addr2line", elfMachine: number | undefined): string {
  const architecture = ARCHITECTURES.find((candidate) => candidate.elfMachine === elfMachine);
  return architecture && architecture.name !== hostArchitecture()?.name ? `${architecture.gnuType}-${tool}` : tool;
}
