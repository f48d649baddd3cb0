// The guest side, as busybox sh text: /init mounts the basics and starts the agent, which serves
// commands from the host over ttyS1 (see guest/protocol.ts) until told to power off.
import { RECEIVE_FILE_FUNCTION } from "./files.js";
import { STEP_MARKER_PREFIX } from "./protocol.js";

export const AGENT_PORT = "/dev/ttyS1";
// Test scripts and other files copied from the module dir; commands run here.
export const GUEST_WORK_DIR = "/kforge/work";
export const GUEST_MODULE_DIR = "/kforge/modules";

export function createInitScript(): string {
  return `#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# kmemleak's control file lives in debugfs (leak-check.ts); stock kernels have debugfs too.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /run
# Boot stays quiet; from here on every kernel message reaches the console.
echo 8 > /proc/sys/kernel/printk
exec sh /kforge/agent.sh
`;
}

// One heartbeat for the whole session lets the host tell "still running" from "guest stopped
// responding"; the kmsg marker tells it when the step's kernel messages have all been printed. Under
// TCG each fork costs tens of milliseconds, so a command costs one (a subshell, no exec) where it can: the
// command arrives printf-escaped (guest/protocol.ts) and every answer is one write, so a heartbeat
// line never splits it. Taint needs cat: /proc/sys files give only the first byte to a byte-wise
// read, which is how the read builtin reads.
export function createAgentScript(options: { stepMarkers: boolean }): string {
  const marker = options.stepMarkers ? `\n  echo "${STEP_MARKER_PREFIX} $id" > /dev/kmsg` : "";
  return `stty -F ${AGENT_PORT} raw -echo
exec 3<>${AGENT_PORT}
cd ${GUEST_WORK_DIR}
hello() { echo "@K 0 hello $(uname -r) $(cat /proc/sys/kernel/tainted)" >&3; }
hello
( while sleep 1; do echo "@K 0 beat" >&3; done ) &
${RECEIVE_FILE_FUNCTION}
while read -r tag id payload <&3; do
  # H: a restored guest says hello again; T: the host's clock and a random seed, unanswered;
  # F: a file follows (guest/files.ts).
  [ "$tag" = H ] && { hello; continue; }
  [ "$tag" = T ] && { date -s "@$id" > /dev/null; echo "$payload" > /dev/urandom; continue; }
  [ "$tag" = F ] && { receive_file "$id" $payload; continue; }
  [ "$tag" = K ] || continue
  if [ "$payload" = "@shell" ]; then
    setsid cttyhack sh -l < /dev/console > /dev/console 2>&1
    status=$?
    : > /tmp/output
  else
    printf '%b' "$payload" > /tmp/command
    ( . /tmp/command ) < /dev/null > /tmp/output 2>&1
    status=$?
  fi${marker}
  [ -s /tmp/output ] && echo "@K $id out $(base64 -w 0 /tmp/output)" >&3
  echo "@K $id done $status $(cat /proc/sys/kernel/tainted)" >&3
done
poweroff -f
`;
}
