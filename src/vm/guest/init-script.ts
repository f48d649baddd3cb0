// The guest side, as busybox sh text: /init mounts the basics and starts the agent, which serves
// commands from the host over its port (ttyS1 on x86_64, a virtio-serial port on arm: qemu/guest-machine.ts;
// the protocol is guest/protocol.ts) until told to power off.
import { basename } from "node:path";
import { X86_64_MACHINE } from "../qemu/guest-machine.js";
import { RECEIVE_FILE_FUNCTION } from "./files.js";
import { BOOT_NONCE, STEP_MARKER_PREFIX } from "./protocol.js";

// In-tree modules /init loads before the agent starts: the ones the agent's channel needs (a virtio
// console on arm) and a file share's 9p modules (vm/share/).
export const GUEST_BOOT_MODULE_DIR = "/kforge/boot";
// Test scripts and other files copied from the module dir; commands run here.
export const GUEST_WORK_DIR = "/kforge/work";
export const GUEST_MODULE_DIR = "/kforge/modules";
// Where a warm guest mounts the run's file share (vm/share/): made at boot, so the mount is one fork.
export const GUEST_SHARE_DIR = "/kforge/share";
// Where the host userspace's view is assembled (vm/host-root/): made at boot too, with /dev/pts and
// /dev/shm in the devtmpfs the view shares, so its first mounts need no mkdir after a restore.
export const GUEST_HOST_ROOT = "/kforge/host";
// Where test steps write files that come back to the host ($KFORGE_ARTIFACTS; vm/artifacts/): under
// /tmp, which every guest has writable, whatever its root.
export const GUEST_ARTIFACTS_DIR = "/tmp/kforge-artifacts";
export const ARTIFACTS_VARIABLE = "KFORGE_ARTIFACTS";
// The initramfs's last entry: the kernel stops unpacking at the first error (a full tmpfs), so the
// agent finding it proves every file before it arrived whole. Its hello says so (guest/protocol.ts).
export const INITRAMFS_WHOLE_MARK = "/kforge/initramfs-whole";
// What a step says when its command could not even be written (/tmp is full).
const COMMAND_NOT_WRITTEN = Buffer.from(
  "kforge: the guest could not write this step's command into /tmp (no space left), so the step did not run\n",
).toString("base64");

// A module file's name in the guest: decompressed on the host (busybox insmod may not read a
// compressed module), so named without its compression suffix (Debian's 6.12 ships mc.ko.xz).
export const guestModuleName = (hostPath: string): string => basename(hostPath).replace(/\.(xz|zst|gz)$/, "");
export const guestModulePath = (hostPath: string): string => `${GUEST_MODULE_DIR}/${guestModuleName(hostPath)}`;

export interface InitOptions {
  // A busybox of another architecture than the host's cannot list its applets here: it links them at boot.
  linkApplets?: boolean;
  // File names in GUEST_BOOT_MODULE_DIR, loaded in order; then /init waits for the agent's port to appear.
  bootModules?: string[];
  agentPort?: string;
}

export function createInitScript(options: InitOptions = {}): string {
  const link = options.linkApplets ? "/bin/busybox --install -s /bin\n" : "";
  const loads = loadBootModules(options.bootModules ?? [], options.agentPort ?? X86_64_MACHINE.agentPort);
  return `#!/bin/sh
${link}mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
${loads}# kmemleak's control file lives in debugfs (leak-check.ts); stock kernels have debugfs too.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /run ${GUEST_ARTIFACTS_DIR} /dev/pts /dev/shm
export ${ARTIFACTS_VARIABLE}=${GUEST_ARTIFACTS_DIR}
# Boot stays quiet; from here on every kernel message reaches the console.
echo 8 > /proc/sys/kernel/printk
exec sh /kforge/agent.sh
`;
}

// A virtio console's port appears once the driver has probed the device, a moment after insmod returns.
// One that never appears leaves the host waiting for the agent's hello, reported as a boot timeout.
function loadBootModules(names: string[], port: string): string {
  if (names.length === 0) return "";
  const loads = names.map((name) => `insmod ${GUEST_BOOT_MODULE_DIR}/${name}\n`).join("");
  return `${loads}tries=0
while [ ! -c ${port} ] && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
[ -c ${port} ] || echo "kforge: ${port} did not appear: the agent cannot answer" > /dev/console
`;
}

// One heartbeat for the whole session lets the host tell "still running" from "guest stopped
// responding"; the kmsg marker tells it when the step's kernel messages have all been printed. Under
// TCG each fork costs tens of milliseconds, so a command costs one (a subshell, no exec) where it can: the
// command arrives printf-escaped (guest/protocol.ts) and every answer is one write, so a heartbeat
// line never splits it, and starts with a newline, so bytes a step left on the port without one end
// before it. The step runs without the command's nonce and without the port's descriptor: what it
// (or a module) writes cannot pass for the agent's answer or marker. Taint needs cat: /proc/sys files
// give only the first byte to a byte-wise read, which is how the read builtin reads.
// A virtio-serial port (agentPortIsTty false) reads end of file while no host is connected to it (between
// a state save and its restore): the agent then waits for the next one, and a heartbeat nobody reads is
// dropped quietly.
export function createAgentScript(options: { stepMarkers: boolean; agentPort?: string; agentPortIsTty?: boolean }): string {
  const port = options.agentPort ?? X86_64_MACHINE.agentPort;
  const tty = options.agentPortIsTty ?? true;
  const marker = options.stepMarkers ? `\n  echo "${STEP_MARKER_PREFIX} $id $nonce" > /dev/kmsg` : "";
  return `${tty ? `stty -F ${port} raw -echo\n` : ""}exec 3<>${port}
cd ${GUEST_WORK_DIR}
frame() { echo "
@K $*" >&3; }
[ -e ${INITRAMFS_WHOLE_MARK} ] && initramfs=whole || initramfs=cut
release=$(uname -r)
hello() { frame 0 "$1" hello "$release" "$(cat /proc/sys/kernel/tainted)" $initramfs; }
hello ${BOOT_NONCE}
( while sleep 1; do frame 0 ${BOOT_NONCE} beat; done ) ${tty ? "" : "2> /dev/null "}&
${RECEIVE_FILE_FUNCTION}
${tty ? "" : "while :; do\n"}while read -r tag id nonce payload <&3; do
  # H 0 <nonce>: a restored guest says hello again; T <seconds> <seed>: the host's clock and a
  # random seed, unanswered; F: a file follows (guest/files.ts).
  [ "$tag" = H ] && { hello "$nonce"; continue; }
  [ "$tag" = T ] && { date -s "@$id" > /dev/null; echo "$nonce" > /dev/urandom; continue; }
  [ "$tag" = F ] && { receive_file "$id" "$nonce" $payload; continue; }
  [ "$tag" = K ] || continue
  if [ "$payload" = "@shell" ]; then
    setsid cttyhack sh -l < /dev/console > /dev/console 2>&1 3>&-
    status=$?
    : > /tmp/output
  elif printf '%b' "$payload" > /tmp/command; then
    ( unset nonce; exec 3>&-; . /tmp/command ) < /dev/null > /tmp/output 2>&1
    status=$?
  else
    # Running the empty file would pass as a step that printed nothing.
    : > /tmp/output
    frame "$id" "$nonce" out ${COMMAND_NOT_WRITTEN}
    status=126
  fi${marker}
  [ -s /tmp/output ] && frame "$id" "$nonce" out "$(base64 -w 0 /tmp/output)"
  frame "$id" "$nonce" done "$status" "$(cat /proc/sys/kernel/tainted)"
done${tty ? "" : "\nsleep 0.1\ndone"}
poweroff -f
`;
}
