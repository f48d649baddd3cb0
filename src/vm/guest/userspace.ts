// What the guest runs besides the kernel, for the guest's architecture: a static busybox (this machine's
// for a guest of its own architecture, else the one `kforge kernel fetch` put beside the release), the
// agent's port, and the in-tree modules its channel needs from the release's modules tree.
import { join } from "node:path";
import { EnvironmentError } from "../../errors.js";
import { fetchedKernelDir } from "../../fs/cache-dir.js";
import { isAccessible } from "../../fs/files.js";
import { hostArchitecture } from "../../kernel/architecture.js";
import { findModulesDir } from "../../kernel/kernel-image.js";
import { resolveInTreeDependencies } from "../../module/modules-dep.js";
import { architectureOf, type GuestMachine } from "../qemu/guest-machine.js";
import { guestModuleName } from "./init-script.js";

export interface GuestUserspace {
  // undefined: this machine's busybox (initramfs.ts finds it).
  busybox?: string;
  agentPort: string;
  agentPortIsTty: boolean;
  // Host paths of the modules /init loads before the agent, in order.
  bootModules: string[];
  // Names the cached agent initramfs: one per architecture and release whose userspace differs.
  cacheName: string;
}

export async function guestUserspace(guest: GuestMachine, release: string, env?: NodeJS.ProcessEnv): Promise<GuestUserspace> {
  const native = hostArchitecture()?.name === guest.architecture;
  const bootModules = await findBootModules(guest, release, env);
  if (native && bootModules.length === 0)
    return { agentPort: guest.agentPort, agentPortIsTty: guest.agentPortIsTty, bootModules, cacheName: "agent" };
  const busybox = native ? undefined : join(fetchedKernelDir(release, env), "bin", "busybox");
  if (busybox && !(await isAccessible(busybox)))
    throw new EnvironmentError(
      `a ${guest.architecture} guest needs a static busybox of its architecture, and ${busybox} is missing`,
      `run kforge kernel fetch ${release} --force (it fetches busybox-static:${architectureOf(guest).debian} with the kernel)`,
    );
  const { agentPort, agentPortIsTty } = guest;
  return { busybox, agentPort, agentPortIsTty, bootModules, cacheName: `agent-${release}` };
}

// The userspace with a file share's 9p modules loaded after the channel's, each once.
export function withBootModules(userspace: GuestUserspace, share: { bootModules: string[] } | undefined): GuestUserspace {
  const names = new Set(userspace.bootModules.map(guestModuleName));
  const added = (share?.bootModules ?? []).filter((path) => !names.has(guestModuleName(path)));
  return added.length === 0 ? userspace : { ...userspace, bootModules: [...userspace.bootModules, ...added] };
}

// The machine's agent modules with what they need, dependencies first; a built-in one needs nothing.
async function findBootModules(guest: GuestMachine, release: string, env?: NodeJS.ProcessEnv): Promise<string[]> {
  if (guest.agentModules.length === 0) return [];
  const modulesDir = await findModulesDir(release, { env });
  const resolution = modulesDir ? await resolveInTreeDependencies(modulesDir, guest.agentModules) : undefined;
  if (!resolution || resolution.unknown.length)
    throw new EnvironmentError(
      `a ${guest.architecture} guest's agent needs ${guest.agentModules.join(" and ")} from kernel ${release}, ` +
        `and ${modulesDir ? `${modulesDir}/modules.dep does not know ${resolution!.unknown.join(", ")}` : "its modules are not here"}`,
      `run kforge kernel fetch ${release} to get the release's modules into kforge's cache`,
    );
  return resolution.files;
}
