// Registers a built tree in kforge's cache in the layout `kernel fetch` uses, so `kforge vm --kernel
// <release>` finds its image and modules like any fetched kernel: boot/{vmlinuz,config,System.map}-<release>
// and lib/modules/<release> from modules_install, whose build link points at the build dir.
import { copyFile, mkdir, rename, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ReleaseLayout } from "./build-state.js";
import { checkMake, runKernelMake, type KernelMakeOptions } from "./kernel-make.js";

export async function registerKernel(layout: ReleaseLayout, options: KernelMakeOptions): Promise<void> {
  const staging = join(layout.dir, `.install-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    checkMake(await runKernelMake(["modules_install"], options, [`INSTALL_MOD_PATH=${staging}`]), "make modules_install", options.log);
    const installed = join(staging, "lib", "modules", layout.release);
    await rm(join(installed, "build"), { force: true });
    await symlink(layout.kdir, join(installed, "build"));
    await mkdir(dirname(layout.modulesDir), { recursive: true });
    await rm(layout.modulesDir, { recursive: true, force: true });
    await rename(installed, layout.modulesDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await mkdir(dirname(layout.image), { recursive: true });
  await replaceFile(join(layout.kdir, ".config"), layout.config);
  await replaceFile(join(layout.kdir, "System.map"), layout.systemMap);
  // The image goes last: its presence is what says the release is registered.
  await replaceFile(join(layout.kdir, "arch/x86/boot/bzImage"), layout.image);
}

// Copy, then rename, so a reader never sees half a file.
async function replaceFile(from: string, to: string): Promise<void> {
  const partial = `${to}.partial-${process.pid}`;
  await copyFile(from, partial);
  await rename(partial, to);
}
