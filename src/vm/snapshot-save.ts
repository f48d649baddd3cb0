// Saves a running guest's state through QMP: migrate to a file, then continue. Not stopped first:
// QEMU records the source's run state in the file, and a state saved stopped restores stopped. The
// guest idles in the agent's read, so the live migration converges at once.
import { quoteShell } from "./guest-protocol.js";
import { connectQmp } from "./qmp.js";

const QMP_TIMEOUT_MS = 5000;
const SAVE_TIMEOUT_MS = 60_000;
// QEMU 7.2 throttles migration to 32 MiB/s by default; a local file has no reason to be throttled.
const UNLIMITED_BANDWIDTH = 1024 ** 4;

export async function saveGuestState(monitorSocket: string, target: string): Promise<void> {
  const qmp = await connectQmp(monitorSocket, QMP_TIMEOUT_MS);
  try {
    await qmp.execute("migrate-set-parameters", { "max-bandwidth": UNLIMITED_BANDWIDTH });
    await qmp.execute("migrate", { uri: `exec:cat > ${quoteShell(target)}` });
    try {
      await waitForMigration((await qmp.execute("query-migrate")) as MigrationStatus, () => qmp.execute("query-migrate") as Promise<MigrationStatus>);
    } finally {
      await qmp.execute("cont");
    }
  } finally {
    qmp.close();
  }
}

interface MigrationStatus {
  status?: string;
  "error-desc"?: string;
}

async function waitForMigration(first: MigrationStatus, query: () => Promise<MigrationStatus>): Promise<void> {
  const deadline = Date.now() + SAVE_TIMEOUT_MS;
  let status = first;
  while (status.status !== "completed") {
    if (status.status === "failed" || status.status === "cancelled") throw new Error(`saving the guest state failed: ${status["error-desc"] ?? status.status}`);
    if (Date.now() > deadline) throw new Error("saving the guest state did not finish in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = await query();
  }
}
