// Restores a saved state into a QEMU started with `-incoming defer` on the state's RAM copy
// (qemu/arguments.ts): x-ignore-shared must be on for the stream to match one saved without RAM,
// and only QMP can set it before the load starts. Resolves once the guest runs again (QEMU's RESUME
// event): only then does its agent read its port (guest/channel.ts). A stream QEMU cannot load
// makes QEMU exit, which rejects.
import { quoteShell } from "../guest/protocol.js";
import { connectQmp, ignoreSharedMemory, QMP_TIMEOUT_MS } from "../qemu/qmp.js";

export async function restoreGuestState(
  monitorSocket: string,
  statePath: string,
  options: { qemuRunning: () => boolean; timeoutMs: number },
): Promise<void> {
  const qmp = await connectQmp(monitorSocket, QMP_TIMEOUT_MS, options.qemuRunning);
  try {
    await ignoreSharedMemory(qmp);
    const resumed = qmp.waitForEvent("RESUME", options.timeoutMs);
    resumed.catch(() => undefined);
    await qmp.execute("migrate-incoming", { uri: `exec:cat ${quoteShell(statePath)}` });
    await resumed;
  } finally {
    qmp.close();
  }
}
