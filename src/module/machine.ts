// Pure: whether a module's ELF machine fits a kernel's architecture. A kernel refuses a module for another
// machine with a bare "Invalid module format"; saying which machine each is tells the user what to rebuild.
import { architectureNamed } from "../kernel/architecture.js";
import { ELF_MACHINE_NAMES } from "./elf.js";

// undefined when they fit, or when the kernel's architecture is not one kforge knows the machine of.
export function moduleMachineProblem(module: { name: string; machine: number }, kernelArch: string): string | undefined {
  const expected = architectureNamed(kernelArch)?.elfMachine;
  if (expected === undefined || expected === module.machine) return undefined;
  const machine = ELF_MACHINE_NAMES[module.machine] ?? `machine ${module.machine}`;
  return `${module.name} is built for ${machine}, and the kernel is ${kernelArch}: loading it would fail with "Invalid module format"`;
}
