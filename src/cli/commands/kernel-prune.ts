// `kforge kernel prune`: removes saved guest states (all, or with --stale only those whose kernel
// image is gone or has changed), damaged ones and whatever a killed kforge left half-written.
import { removeOtherAgentInitramfs } from "../../vm/guest/initramfs.js";
import { checkIdentities, hashImage } from "../../vm/snapshot/identity.js";
import { listDamagedStates, listStates, removeLeftovers, removeState, type SnapshotEntry } from "../../vm/snapshot/store.js";
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
  // What no run can use any more: damaged states and memo, old agent initramfs files, leftovers.
  const damaged = await listDamagedStates(context.env);
  for (const key of damaged) await removeState(key, context.env);
  await checkIdentities(context.env, (message) => context.stderr.write(`kforge: ${message}\n`));
  const leftovers = (await removeLeftovers(context.env)) + (await removeOtherAgentInitramfs(context.env));
  const freed = removed.reduce((sum, state) => sum + state.sizeBytes, 0);
  if (options.json) {
    context.stdout.write(
      `${JSON.stringify({ ok: true, removed: removed.map((state) => state.key), freedBytes: freed, damaged, leftovers })}\n`,
    );
  } else {
    const extra = [
      ...(damaged.length ? [`${damaged.length} damaged state${damaged.length === 1 ? "" : "s"}`] : []),
      ...(leftovers ? [`${leftovers} leftover file${leftovers === 1 ? "" : "s"}`] : []),
    ];
    context.stdout.write(
      `removed ${removed.length} saved guest state${removed.length === 1 ? "" : "s"} ` +
        `(${(freed / 1024 / 1024).toFixed(0)} MiB)${extra.length ? ` and ${extra.join(" and ")}` : ""}\n`,
    );
  }
  return 0;
}
