// Assembles the host userspace in a running guest: after the agent's hello, so a restored guest
// mounts it too (QEMU refuses to save a guest with a 9p export mounted). A guest that cannot is an
// error: the steps were asked to run in the host's userspace, and nowhere else.
import { EnvironmentError } from "../../errors.js";
import { showLine } from "../../text/visible-text.js";
import type { CommandOutcome, GuestSession } from "../guest/channel.js";
import { ALONGSIDE_FAILED, hostRootMountCommand, type HostRootView } from "./view.js";

// The longest piece of the guest's answer quoted in the error.
const QUOTED_CHARS = 300;

// With `alongside` (a warm start's file share mount, vm/share/) both go in one command: the answer
// is the share's (a success, or its failure with ALONGSIDE_FAILED), the view being mounted either way.
export async function mountHostRoot(
  session: GuestSession,
  view: HostRootView,
  timeoutMs: number,
  alongside?: string,
): Promise<CommandOutcome> {
  const outcome = await session.run(hostRootMountCommand(view, alongside), { timeoutMs });
  if (outcome.status === "done" && (outcome.exitCode === 0 || (alongside && outcome.exitCode === ALONGSIDE_FAILED))) return outcome;
  const why =
    outcome.status === "done"
      ? `exit ${outcome.exitCode}: ${showLine(outcome.output.trim().slice(0, QUOTED_CHARS)) || "no output"}`
      : outcome.status === "timeout"
        ? `no answer within ${Math.round(timeoutMs / 1000)} s`
        : "the guest's channel closed";
  throw new EnvironmentError(
    `the guest could not mount the host's root filesystem and ${view.projectDir} (${why})`,
    "the console log shows the guest's side; --userspace busybox runs the steps in the busybox guest instead",
  );
}
