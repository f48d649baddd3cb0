// Sorts the kernels a build was asked for into those inside the project's gates and those skipped,
// each skip with its reason. Gates come from kforge.json, else from dkms.conf's BUILD_EXCLUSIVE_*.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ChosenGates, chooseGates, configArch, emptyRunRefusal, gateRefusal, hasGates } from "../config/gates.js";
import type { KforgeConfig } from "../config/kforge-json.js";
import type { KforgeError } from "../errors.js";
import { readKernelConfig } from "../kernel/kernel-config.js";

export interface SkippedKernel {
  release: string;
  kdir: string;
  reason: string;
}

export interface GateSplit<Kernel> {
  allowed: Kernel[];
  skipped: SkippedKernel[];
  // The gates applied and the notices about those a static reading of dkms.conf could not apply.
  chosen: ChosenGates;
}

const HOST_ARCH: Record<string, string> = {
  x64: "x86_64",
  arm64: "aarch64",
  ia32: "i686",
  riscv64: "riscv64",
  ppc64: "ppc64le",
  s390x: "s390x",
};

export async function splitByGates<Kernel extends { release: string; kdir: string }>(
  dir: string,
  config: KforgeConfig,
  kernels: Kernel[],
): Promise<GateSplit<Kernel>> {
  const dkmsConf = await readFile(join(dir, "dkms.conf"), "utf8").catch(() => undefined);
  const chosen = chooseGates(config, dkmsConf);
  const { gates } = chosen;
  if (!hasGates(gates)) return { allowed: kernels, skipped: [], chosen };
  const allowed: Kernel[] = [];
  const skipped: SkippedKernel[] = [];
  for (const kernel of kernels) {
    const kernelConfig = await readKernelConfig(kernel.kdir);
    const reason = gateRefusal(gates, {
      release: kernel.release,
      arch: configArch(kernelConfig, HOST_ARCH[process.arch] ?? process.arch),
      config: kernelConfig,
    });
    if (reason === undefined) allowed.push(kernel);
    else skipped.push({ release: kernel.release, kdir: kernel.kdir, reason });
  }
  return { allowed, skipped, chosen };
}

// The gates' notices on stderr, and the refusal of a run that would build nothing (see emptyRunRefusal).
export function gatedRunRefusal(
  split: GateSplit<unknown>,
  allowSkip: boolean | undefined,
  stderr: { write(text: string): unknown },
): KforgeError | undefined {
  for (const notice of split.chosen.notices) stderr.write(`kforge: ${notice}\n`);
  return emptyRunRefusal(split.chosen, { built: split.allowed.length, skipped: split.skipped, allowSkip });
}

// A skipped kernel in build --json: ok (a skip is no failure), nothing built, and why.
export const skippedJson = (kernel: SkippedKernel) => ({
  release: kernel.release,
  kdir: kernel.kdir,
  ok: true,
  skipped: true,
  reason: kernel.reason,
  durationMs: 0,
  artifacts: [],
  diagnostics: [],
  log: null,
  upToDate: false,
  interrupted: false,
});
