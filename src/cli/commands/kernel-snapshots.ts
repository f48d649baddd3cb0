// `kforge kernel snapshots`: the saved guest states kforge vm restores from, with size and age.
import { listDamagedStates, listStates, snapshotDir, snapshotLimitBytes } from "../../vm/snapshot/store.js";
import type { CommandContext } from "../context.js";

export interface KernelSnapshotsOptions {
  json?: boolean;
}

const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export function describeAge(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

export async function kernelSnapshotsCommand(options: KernelSnapshotsOptions, context: CommandContext): Promise<number> {
  const states = (await listStates(context.env)).sort((left, right) => right.lastUsed.getTime() - left.lastUsed.getTime());
  const total = states.reduce((sum, state) => sum + state.sizeBytes, 0);
  const damaged = await listDamagedStates(context.env);
  if (options.json) {
    const report = {
      dir: snapshotDir(context.env),
      totalBytes: total,
      limitBytes: snapshotLimitBytes(context.env),
      snapshots: states,
      damaged,
    };
    context.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  if (damaged.length)
    context.stderr.write(
      `kforge: ${damaged.length} damaged saved state${damaged.length === 1 ? "" : "s"} ` +
        `(${damaged.join(", ")}); kforge kernel prune removes them\n`,
    );
  if (states.length === 0) {
    context.stdout.write(`no saved guest states in ${snapshotDir(context.env)}; the next kforge vm saves one (unless --cold)\n`);
    return 0;
  }
  const rows = states.map((state) => {
    const machine = [`${state.memoryMb} MiB`, state.accel, ...(state.append.length ? [`append ${state.append.join(" ")}`] : [])].join(", ");
    const ages =
      `saved ${describeAge(Date.now() - new Date(state.createdAt).getTime())}, ` +
      `used ${describeAge(Date.now() - state.lastUsed.getTime())}`;
    return [state.release, mebibytes(state.sizeBytes), ages, `(${machine})`, state.key];
  });
  // Padded columns, the last one (the key) as it is.
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    const cells = row.map((cell, column) =>
      column === row.length - 1 ? cell : column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
    );
    context.stdout.write(`${cells.join("  ")}\n`);
  }
  context.stdout.write(
    `${states.length} saved state${states.length === 1 ? "" : "s"}, ${mebibytes(total)} ` +
      `of ${mebibytes(snapshotLimitBytes(context.env))} (KFORGE_SNAPSHOT_LIMIT_MB); kforge kernel prune removes them\n`,
  );
  return 0;
}
