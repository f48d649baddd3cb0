// What the host userspace (vm.userspace "host") needs before a guest starts: the view's folders as
// they are on this machine, a QEMU with virtio-9p, and the release's 9p modules, which /init loads.
// Without 9p there is no host userspace: an error that says so, never a run of the steps elsewhere.
import { realpath, stat } from "node:fs/promises";
import { EnvironmentError } from "../../errors.js";
import { findModulesDir } from "../../kernel/kernel-image.js";
import type { SharedFolder } from "../qemu/arguments.js";
import { findShareModules } from "../share/modules.js";
import { qemuHasVirtio9p } from "../snapshot/identity.js";
import { hostRootFolders, type HostRootView } from "./view.js";

export interface HostRoot {
  view: HostRootView;
  folders: SharedFolder[];
  // The 9p modules (host paths, load order) /init loads before the agent.
  bootModules: string[];
}

// Writable in the guest whenever they exist here.
const TMPFS_FOLDERS = ["/tmp", "/run", "/var/tmp"];
const CHOOSE_BUSYBOX = "or run the steps in the busybox guest (--userspace busybox, or drop vm.userspace from kforge.json)";

// Real paths: the guest mounts over them from outside the view, where the host's symlinks do not resolve.
export async function describeHostRoot(projectDir: string, projectWritable: boolean, env: NodeJS.ProcessEnv): Promise<HostRootView> {
  const home = env.HOME ? await realFolder(env.HOME) : undefined;
  const folders = await Promise.all(TMPFS_FOLDERS.map(realFolder));
  const tmpfs = [...new Set([...folders, home].filter((path): path is string => path !== undefined && path !== "/"))];
  return { projectDir: await realpath(projectDir), projectWritable, tmpfs, ...(home ? { home } : {}) };
}

const realFolder = async (path: string) => {
  const real = await realpath(path).catch(() => undefined);
  return real &&
    (await stat(real)
      .then((info) => info.isDirectory())
      .catch(() => false))
    ? real
    : undefined;
};

export async function prepareHostRoot(input: {
  view: HostRootView;
  qemuBinary: string;
  release: string;
  env?: NodeJS.ProcessEnv;
  notice?: (message: string) => void;
}): Promise<HostRoot> {
  if (!(await qemuHasVirtio9p(input.qemuBinary, input.env, input.notice)))
    throw new EnvironmentError(
      `the host userspace is shared into the guest over virtio-9p, and ${input.qemuBinary} has no virtio-9p-pci device`,
      `install a QEMU built with virtfs (Debian's qemu-system-x86 is), ${CHOOSE_BUSYBOX}`,
    );
  const modulesDir = await findModulesDir(input.release, { env: input.env });
  if (!modulesDir)
    throw new EnvironmentError(
      `the host userspace needs kernel ${input.release}'s 9p modules, and there is no modules tree for it`,
      `run kforge kernel fetch ${input.release} to get its modules into kforge's cache, ${CHOOSE_BUSYBOX}`,
    );
  const modules = await findShareModules(modulesDir);
  if (!modules.available)
    throw new EnvironmentError(
      `the host userspace needs kernel ${input.release}'s 9p modules, and ${modulesDir}/modules.dep lacks ${modules.missing.join(", ")}`,
      `boot a kernel built with CONFIG_NET_9P_VIRTIO and CONFIG_9P_FS (Debian's are), ${CHOOSE_BUSYBOX}`,
    );
  return { view: input.view, folders: hostRootFolders(input.view), bootModules: modules.files };
}
