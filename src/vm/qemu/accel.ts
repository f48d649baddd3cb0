// KVM when it is usable, TCG otherwise. "auto" remembers, per host kernel, whether a KVM boot
// actually produced output (nested KVM can hang silently), so only the first run pays for a probe.
import { constants, writeFile } from "node:fs/promises";
import { release as hostRelease } from "node:os";
import { join } from "node:path";
import { EnvironmentError, UsageError } from "../../errors.js";
import { hostArchitecture } from "../../kernel/architecture.js";
import { canUseKvm, X86_64_MACHINE, type GuestMachine } from "./guest-machine.js";
import type { Accel } from "./arguments.js";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { isJsonObject, readCacheJson, type Notice } from "../../fs/cache-file.js";
import { makeFolder } from "../../fs/files.js";
import { isWriteError } from "../../fs/write-error.js";
import { isAccessible } from "../../fs/files.js";

export type AccelRequest = "auto" | Accel;

export interface AccelChoice {
  accel: Accel;
  // True when KVM has not been seen to boot on this host yet: the runner gives it a short deadline.
  probe: boolean;
  // Why TCG, when auto chose it.
  reason?: string;
}

interface AccelMemory {
  hostKernel: string;
  accel: Accel;
  reason: string;
}

export async function isKvmUsable(device = "/dev/kvm"): Promise<boolean> {
  return isAccessible(device, constants.R_OK | constants.W_OK);
}

// Where the decision of "auto" is remembered.
export const accelMemoryPath = (env?: NodeJS.ProcessEnv) => join(kforgeCacheDir(env), "accel.json");

// Pure: the remembered decision as read, or undefined when it is not one kforge wrote.
export function acceptAccelMemory(value: unknown): AccelMemory | undefined {
  if (!isJsonObject(value) || typeof value.hostKernel !== "string" || typeof value.reason !== "string") return undefined;
  if (value.accel !== "kvm" && value.accel !== "tcg") return undefined;
  return { hostKernel: value.hostKernel, accel: value.accel, reason: value.reason.replace(/[^\x20-\x7e]/g, "?") };
}

// A decision made on another host kernel is not this one's.
async function readMemory(env?: NodeJS.ProcessEnv, notice?: Notice): Promise<AccelMemory | undefined> {
  const memory = await readCacheJson(accelMemoryPath(env), acceptAccelMemory, notice);
  return memory?.hostKernel === hostRelease() ? memory : undefined;
}

// False when the cache cannot be written (read-only, full): the next run probes again.
export async function rememberAccel(accel: Accel, reason: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const memory: AccelMemory = { hostKernel: hostRelease(), accel, reason };
  try {
    await makeFolder(kforgeCacheDir(env));
    await writeFile(accelMemoryPath(env), `${JSON.stringify(memory, null, 2)}\n`);
    return true;
  } catch (error) {
    if (!isWriteError(error)) throw error;
    return false;
  }
}

// KVM runs guests of this machine's own architecture only: another's runs under TCG.
export async function chooseAccel(
  request: AccelRequest,
  env?: NodeJS.ProcessEnv,
  notice?: Notice,
  guest: GuestMachine = X86_64_MACHINE,
): Promise<AccelChoice> {
  if (request === "tcg") return { accel: "tcg", probe: false };
  if (!canUseKvm(guest)) {
    const reason = `an ${guest.architecture} guest on an ${hostArchitecture()?.name ?? process.arch} machine runs under TCG`;
    if (request === "kvm")
      throw new UsageError(`--accel kvm: ${reason}; KVM runs guests of the machine's own architecture`, "use --accel tcg or auto");
    return { accel: "tcg", probe: false, reason };
  }
  const usable = await isKvmUsable();
  if (request === "kvm") {
    if (!usable)
      throw new EnvironmentError(
        "--accel kvm: /dev/kvm is missing or not readable and writable by you",
        "add yourself to the kvm group (then log in again), or use --accel tcg",
      );
    return { accel: "kvm", probe: false };
  }
  if (!usable) return { accel: "tcg", probe: false, reason: "/dev/kvm is not usable" };
  const memory = await readMemory(env, notice);
  if (memory) return { accel: memory.accel, probe: false, reason: memory.reason };
  return { accel: "kvm", probe: true };
}
