// Finds the kernel image to boot and the in-tree modules tree for a release, in the documented
// order: --vm-kernel, vm.kernel in kforge.json, /boot, /lib/modules/<release>, kforge's cache.
import { access, constants, stat } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { fetchedKernelDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";

export interface KernelImage {
  path: string;
  // Where it was found, for the report: "--vm-kernel", "kforge.json vm.kernel", "/boot", ...
  source: string;
}

export interface FindKernelImageOptions {
  release: string;
  vmKernel?: string;
  configKernel?: string;
  env?: NodeJS.ProcessEnv;
  modulesRoot?: string;
  bootDir?: string;
}

const exists = (path: string) =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  );

function candidates(options: FindKernelImageOptions): KernelImage[] {
  const { release } = options;
  const modulesRoot = options.modulesRoot ?? "/lib/modules";
  const cache = fetchedKernelDir(release, options.env);
  return [
    ...(options.vmKernel ? [{ path: options.vmKernel, source: "--vm-kernel" }] : []),
    ...(options.configKernel ? [{ path: options.configKernel, source: "kforge.json vm.kernel" }] : []),
    { path: join(options.bootDir ?? "/boot", `vmlinuz-${release}`), source: "/boot" },
    { path: join(modulesRoot, release, "vmlinuz"), source: modulesRoot },
    { path: join(cache, "boot", `vmlinuz-${release}`), source: "kforge cache" },
  ];
}

export async function findKernelImage(options: FindKernelImageOptions): Promise<KernelImage> {
  const fetchHint = `kforge kernel fetch ${options.release} (puts a copy in kforge's cache, nothing installed system-wide)`;
  for (const candidate of candidates(options)) {
    const explicit = candidate.source === "--vm-kernel" || candidate.source === "kforge.json vm.kernel";
    if (!(await exists(candidate.path))) {
      if (explicit) throw new EnvironmentError(`${candidate.source} ${candidate.path}: no such file`, "point it at a vmlinuz/bzImage file");
      continue;
    }
    try {
      await access(candidate.path, constants.R_OK);
    } catch {
      throw new EnvironmentError(
        `the kernel image ${candidate.path} exists but is not readable by you (Ubuntu installs /boot/vmlinuz-* readable only by root)`,
        `run ${fetchHint}, or make it readable: sudo chmod 0644 ${candidate.path}`,
      );
    }
    return candidate;
  }
  throw new EnvironmentError(
    `no kernel image for ${options.release}: looked in /boot/vmlinuz-${options.release}, ` +
      `/lib/modules/${options.release}/vmlinuz and kforge's cache`,
    `run ${fetchHint}, or pass --vm-kernel <vmlinuz>`,
  );
}

// The in-tree modules for the guest: the installed tree when it holds in-tree modules (a headers-only
// install has just build/, plus modules.dep once depmod ran for a module installed into it), else the
// fetched copy.
export async function findModulesDir(
  release: string,
  options: { env?: NodeJS.ProcessEnv; modulesRoot?: string } = {},
): Promise<string | undefined> {
  const installed = join(options.modulesRoot ?? "/lib/modules", release);
  if ((await exists(join(installed, "modules.dep"))) && (await isAccessible(join(installed, "kernel")))) return installed;
  const cached = join(fetchedKernelDir(release, options.env), "lib", "modules", release);
  if (await exists(join(cached, "modules.dep"))) return cached;
  return undefined;
}
