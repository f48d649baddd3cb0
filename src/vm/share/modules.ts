// The release's in-tree modules a guest needs to mount a host folder over virtio-9p: virtio's PCI
// transport, 9p over virtio and the 9p filesystem, with what they depend on (netfs, and fscache on
// 6.1), in load order. What the kernel builds in (6.12 has virtio and its PCI transport) needs nothing.
import { resolveInTreeDependencies } from "../../module/modules-dep.js";

const NEEDED = ["virtio_pci", "9pnet_virtio", "9p"];

export type ShareModules = { available: true; files: string[] } | { available: false; missing: string[] };

export async function findShareModules(modulesDir: string): Promise<ShareModules> {
  const resolution = await resolveInTreeDependencies(modulesDir, NEEDED);
  return resolution.unknown.length ? { available: false, missing: resolution.unknown } : { available: true, files: resolution.files };
}
