// How a warm guest gets the run's modules and test files: from a per-run folder exported read-only
// over virtio-9p and mounted once the guest is restored (or its state saved). The serial port is
// the fallback, for a release whose modules tree lacks the 9p modules or a guest that cannot mount.
import { join } from "node:path";
import type { CommandOutcome, GuestSession } from "../guest/channel.js";
import type { SharedFolder } from "../qemu/arguments.js";
import { qemuHasVirtio9p } from "../snapshot/identity.js";
import { findShareModules } from "./modules.js";
import { FILE_SHARE_TAG, fileShareMountCommand } from "./mount.js";

export interface FileShare {
  folder: SharedFolder;
  // The 9p modules, loaded by /init before the state is saved.
  bootModules: string[];
}

export interface FileShareInput {
  qemuBinary: string;
  env?: NodeJS.ProcessEnv;
  release: string;
  modulesDir?: string;
  workDir: string;
  // Whether the run has any file for the guest: without one, the fallback is not worth a notice.
  hasFiles: boolean;
  notice: (message: string) => void;
}

export async function planFileShare(input: FileShareInput): Promise<FileShare | undefined> {
  const modules = input.modulesDir ? await findShareModules(input.modulesDir) : undefined;
  const qemuHas9p = await qemuHasVirtio9p(input.qemuBinary, input.env, input.notice);
  if (modules?.available && qemuHas9p) {
    return { folder: { tag: FILE_SHARE_TAG, path: join(input.workDir, "share") }, bootModules: modules.files };
  }
  if (input.hasFiles) {
    const why = !qemuHas9p
      ? `${input.qemuBinary} has no virtio-9p-pci device`
      : modules && !modules.available
        ? `${input.modulesDir} lacks the 9p modules: ${modules.missing.join(", ")}`
        : `there is no modules tree for ${input.release} (kforge kernel fetch ${input.release} gets one)`;
    input.notice(`the guest cannot mount a shared folder (${why}): its files go over the serial port, about 75 KB/s`);
  }
  return undefined;
}

// The longest piece of the guest's answer quoted in a notice.
const QUOTED_CHARS = 200;

// true once the guest has the share mounted and its files linked in place; false, with a notice,
// when it could not (the caller sends the files over the serial port).
export async function mountFileShare(session: GuestSession, timeoutMs: number, notice: (message: string) => void): Promise<boolean> {
  return fileShareMounted(await session.run(fileShareMountCommand(), { timeoutMs }), notice);
}

// The guest's answer to the share's mount command, run alone or inside the host userspace's.
export function fileShareMounted(outcome: CommandOutcome, notice: (message: string) => void): boolean {
  if (outcome.status === "done" && outcome.exitCode === 0) return true;
  const why =
    outcome.status === "done" ? `exit ${outcome.exitCode}: ${outcome.output.trim().slice(0, QUOTED_CHARS) || "no output"}` : outcome.status;
  notice(`the guest could not mount the run's shared folder (${why}); sending its files over the serial port instead`);
  return false;
}
