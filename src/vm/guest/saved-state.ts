// A booted guest's saved state: the key that names its machine, and the save into kforge's cache.
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { createQemuArguments, type QemuOptions } from "../qemu/arguments.js";
import type { QemuProcess } from "../qemu/process.js";
import { hashImage, identifyQemu } from "../snapshot/identity.js";
import { machineArguments, snapshotKey } from "../snapshot/key.js";
import { saveGuestState } from "../snapshot/save.js";
import { commitState, lockState, newTempStateFiles, type SnapshotMeta, type StateFiles } from "../snapshot/store.js";

export interface StateOptions {
  qemuBinary: string;
  release: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  notice: (message: string) => void;
}

export async function keyFor(options: StateOptions, machine: QemuOptions): Promise<string> {
  const args = createQemuArguments(machine);
  return snapshotKey({
    imageHash: await hashImage(machine.kernelImage, options.env, options.notice),
    qemu: await identifyQemu(options.qemuBinary, options.env, options.notice),
    initramfsHash: createHash("sha256")
      .update(await readFile(machine.initramfs))
      .digest("hex"),
    machineArguments: machineArguments(args, {
      kernel: machine.kernelImage,
      initramfs: machine.initramfs,
      agent: machine.agentSocket,
      monitor: machine.monitorSocket ?? "",
      memory: machine.memoryFile?.path ?? "",
      ...Object.fromEntries((machine.sharedFolders ?? []).map((folder) => [`share-${folder.tag}`, folder.path.replaceAll(",", ",,")])),
    }),
  });
}

// Another kforge saving the same state right now: this run goes on without saving. A Ctrl-C stops
// QEMU, which fails the save: nothing half-written is kept.
export async function saveState(options: StateOptions, machine: QemuOptions, key: string, qemu: QemuProcess): Promise<void> {
  const cannotSave = (error: unknown) =>
    options.notice(
      options.signal?.aborted
        ? "the guest state save was interrupted: nothing was saved, and there is nothing to do (the next warm run saves it)"
        : `could not save the guest state for warm starts: ${(error as Error).message}`,
    );
  const unlock = await lockState(key, options.env).catch(cannotSave);
  if (!unlock) return;
  let temp: StateFiles | undefined;
  const stop = () => void qemu.stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    temp = await newTempStateFiles(key, options.env);
    await saveGuestState(machine.monitorSocket!, { state: temp.state, ram: { from: machine.memoryFile!.path, to: temp.ram } });
    const meta: Omit<SnapshotMeta, "format"> = {
      key,
      release: options.release,
      kernelImage: machine.kernelImage,
      imageHash: await hashImage(machine.kernelImage, options.env),
      accel: machine.accel,
      memoryMb: machine.memoryMb,
      append: machine.append ?? [],
      qemu: await identifyQemu(options.qemuBinary, options.env),
      createdAt: new Date().toISOString(),
    };
    await commitState(temp, meta, options.env);
  } catch (error) {
    cannotSave(error);
    if (temp) await Promise.all([rm(temp.state, { force: true }), rm(temp.ram, { force: true })]);
  } finally {
    options.signal?.removeEventListener("abort", stop);
    await unlock();
  }
}
