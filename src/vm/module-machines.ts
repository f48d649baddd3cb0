// A module of another machine than the guest's kernel would fail to load with a bare "Invalid module
// format": refused before the guest boots, saying which kernel to boot or build for instead.
import { open } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { moduleMachineProblem } from "../module/machine.js";
import { elfHeaderMachine } from "../module/elf.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import type { BootImage } from "./qemu/vmlinux.js";

export async function checkModuleMachines(modules: string[], bootImage: BootImage, release: string): Promise<void> {
  for (const path of modules) {
    const machine = elfHeaderMachine(await readHeader(path));
    // A compressed in-tree module comes from the release's own tree.
    if (machine === undefined) continue;
    const problem = moduleMachineProblem({ name: moduleNameFromPath(path), machine }, bootImage.architecture);
    if (problem)
      throw new UsageError(
        `${problem}; the guest boots ${bootImage.path}, an ${bootImage.architecture} kernel`,
        `boot a kernel of the module's architecture (--vm-kernel, or --kernel with a release of it: kforge kernels lists them), ` +
          `or build the module for ${release}'s architecture`,
      );
  }
}

async function readHeader(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await handle.read(header, 0, 20, 0);
    return header.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
