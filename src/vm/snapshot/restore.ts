// Restores a saved state into a QEMU started with `-incoming defer` on the state's RAM copy
// (qemu/arguments.ts): x-ignore-shared must be on for the stream to match one saved without RAM,
// and only QMP can set it before the load starts. A stream QEMU cannot load makes QEMU exit, which
// the caller sees as a guest that never answers.
import { quoteShell } from "../guest/protocol.js";
import { connectQmp, ignoreSharedMemory, QMP_TIMEOUT_MS } from "../qemu/qmp.js";

export async function restoreGuestState(monitorSocket: string, statePath: string, qemuRunning: () => boolean): Promise<void> {
  const qmp = await connectQmp(monitorSocket, QMP_TIMEOUT_MS, qemuRunning);
  try {
    await ignoreSharedMemory(qmp);
    await qmp.execute("migrate-incoming", { uri: `exec:cat ${quoteShell(statePath)}` });
  } finally {
    qmp.close();
  }
}
