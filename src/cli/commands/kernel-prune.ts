// `kforge kernel prune`: removes saved guest states (all, or with --stale only those whose kernel
// image is gone or has changed) and whatever a killed kforge left half-written.
import { hashImage } from "../../vm/snapshot/identity.js";
import { listStates, removeLeftovers, removeState, type SnapshotEntry } from "../../vm/snapshot/store.js";
import type { CommandContext } from "../context.js";

export interface KernelPruneOptions {
  stale?: boolean;
  json?: boolean;
}

async function isStale(state: SnapshotEntry, env: NodeJS.ProcessEnv): Promise<boolean> {
  const current = await hashImage(state.kernelImage, env).catch(() => undefined);
  return current !== state.imageHash;
}

export async function kernelPruneCommand(options: KernelPruneOptions, context: CommandContext): Promise<number> {
  const removed: SnapshotEntry[] = [];
  for (const state of await listStates(context.env)) {
    if (options.stale && !(await isStale(state, context.env))) continue;
    await removeState(state.key, context.env);
    removed.push(state);
  }
  const leftovers = await removeLeftovers(context.env);
  const freed = removed.reduce((sum, state) => sum + state.sizeBytes, 0);
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ ok: true, removed: removed.map((state) => state.key), freedBytes: freed, leftovers })}\n`);
  } else {
    context.stdout.write(
      `removed ${removed.length} saved guest state${removed.length === 1 ? "" : "s"} (${(freed / 1024 / 1024).toFixed(0)} MiB)${leftovers ? ` and ${leftovers} leftover file${leftovers === 1 ? "" : "s"}` : ""}\n`,
    );
  }
  return 0;
}
