// Saves a running guest's state through QMP: migrate to a file, copy the guest RAM file while the
// guest is paused, then continue. The guest runs on file-backed RAM (qemu/arguments.ts) and
// x-ignore-shared leaves that RAM out of the stream: the state is a few hundred KB of device state
// instead of every touched page, and a restore maps the RAM copy instead of reading it through a
// pipe. Not stopped first: QEMU records the source's run state in the file, and a state saved
// stopped restores stopped. The guest idles in the agent's read, so the migration converges at once.
import { quoteShell } from "../guest/protocol.js";
import { run } from "../../process/exec.js";
import { connectQmp, ignoreSharedMemory, QMP_TIMEOUT_MS, type QmpClient } from "../qemu/qmp.js";

const SAVE_TIMEOUT_MS = 60_000;
// QEMU 7.2 throttles migration to 32 MiB/s by default; a local file has no reason to be throttled.
const UNLIMITED_BANDWIDTH = 1024 ** 4;

export interface SaveTarget {
  state: string;
  // The running guest's RAM file and where its copy goes.
  ram: { from: string; to: string };
}

export async function saveGuestState(monitorSocket: string, target: SaveTarget): Promise<void> {
  const qmp = await connectQmp(monitorSocket, QMP_TIMEOUT_MS);
  try {
    await ignoreSharedMemory(qmp);
    await qmp.execute("migrate-set-parameters", { "max-bandwidth": UNLIMITED_BANDWIDTH });
    await qmp.execute("migrate", { uri: `exec:cat > ${quoteShell(target.state)}` });
    try {
      await waitForMigration(qmp);
      await copyRam(target.ram.from, target.ram.to);
    } finally {
      await qmp.execute("cont");
    }
  } finally {
    qmp.close();
  }
}

// Holes stay holes: of a 256 MiB guest, a Debian kernel idling in init has touched about 64 MiB.
async function copyRam(from: string, to: string): Promise<void> {
  const copied = await run("cp", ["--sparse=always", from, to]);
  if (copied.failed) throw new Error(`copying the guest RAM failed: ${copied.stderr.trim() || `cp exited with ${copied.exitCode}`}`);
}

interface MigrationStatus {
  status?: string;
  "error-desc"?: string;
}

async function waitForMigration(qmp: QmpClient): Promise<void> {
  const deadline = Date.now() + SAVE_TIMEOUT_MS;
  for (;;) {
    const status = (await qmp.execute("query-migrate")) as MigrationStatus;
    if (status.status === "completed") return;
    if (status.status === "failed" || status.status === "cancelled")
      throw new Error(`saving the guest state failed: ${status["error-desc"] ?? status.status}`);
    if (Date.now() > deadline) throw new Error("saving the guest state did not finish in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
