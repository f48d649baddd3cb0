import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { STEP_MARKER_PREFIX } from "../../../src/vm/guest/protocol.js";
import { createAgentScript, createInitScript, guestModulePath, INITRAMFS_WHOLE_MARK } from "../../../src/vm/guest/init-script.js";

describe("createAgentScript", () => {
  it("writes a kernel log marker with the command's nonce after each step only when the host reads the console", () => {
    expect(createAgentScript({ stepMarkers: true })).toContain(`echo "${STEP_MARKER_PREFIX} $id $nonce" > /dev/kmsg`);
    expect(createAgentScript({ stepMarkers: false })).not.toContain(STEP_MARKER_PREFIX);
  });

  it("runs a step without the nonce and without the port's descriptor, and parses in busybox sh", () => {
    const script = createAgentScript({ stepMarkers: true });
    expect(script).toContain("( unset nonce; exec 3>&-; . /tmp/command )");
    execFileSync("busybox", ["sh", "-n", "-c", script]);
  });

  it("says in its hello whether the initramfs's last entry arrived, and fails a step whose command it cannot write", () => {
    const script = createAgentScript({ stepMarkers: true });
    expect(script).toContain(`[ -e ${INITRAMFS_WHOLE_MARK} ] && initramfs=whole || initramfs=cut`);
    expect(script).toMatch(/hello\(\) \{ frame .* \$initramfs; \}/);
    // busybox printf fails on a full file system (ENOSPC): the step is not run and fails with 126.
    expect(script).toMatch(
      /elif printf '%b' "\$payload" > \/tmp\/command; then[\s\S]*?else[\s\S]*?frame "\$id" "\$nonce" out \S+\n\s*status=126/,
    );
  });

  it("starts every answer on a line of its own", () => {
    // The agent's own frame(), writing to stdout instead of the port, after "junk" without a newline.
    const frame = /^frame\(\) \{[\s\S]*?\}$/m.exec(createAgentScript({ stepMarkers: true }))![0].replace(">&3", "");
    const written = execFileSync("busybox", ["sh", "-c", `${frame}\nprintf junk; frame 3 n done 0 0`], { encoding: "utf8" });
    expect(written.split("\n")).toEqual(["junk", "@K 3 n done 0 0", ""]);
  });

  it("on a virtio-serial port (not a tty) waits for the next host at end of file instead of powering off", () => {
    const script = createAgentScript({ stepMarkers: true, agentPort: "/dev/vport0p1", agentPortIsTty: false });
    expect(script).not.toContain("stty");
    expect(script).toContain("exec 3<>/dev/vport0p1");
    expect(script).toMatch(/while :; do\nwhile read -r tag id nonce payload <&3; do[\s\S]*\ndone\nsleep 0\.1\ndone\npoweroff -f\n$/);
    execFileSync("busybox", ["sh", "-n", "-c", script]);
  });
});

describe("createInitScript", () => {
  it("links a foreign busybox's applets, loads the channel's modules in order and waits for the agent's port", () => {
    const script = createInitScript({ linkApplets: true, bootModules: ["virtio_pci.ko", "virtio_console.ko"], agentPort: "/dev/vport0p1" });
    expect(script.split("\n").slice(0, 2)).toEqual(["#!/bin/sh", "/bin/busybox --install -s /bin"]);
    expect(script).toMatch(/insmod \/kforge\/boot\/virtio_pci\.ko\ninsmod \/kforge\/boot\/virtio_console\.ko\n/);
    expect(script).toContain("while [ ! -c /dev/vport0p1 ]");
    // The modules and the wait come after devtmpfs is mounted, and before the agent starts.
    expect(script.indexOf("insmod")).toBeGreaterThan(script.indexOf("mount -t devtmpfs"));
    expect(script.indexOf("exec sh /kforge/agent.sh")).toBeGreaterThan(script.indexOf("-c /dev/vport0p1"));
    execFileSync("busybox", ["sh", "-n", "-c", script]);
    expect(createInitScript()).not.toContain("insmod");
  });
});

describe("guestModulePath", () => {
  it("names a module by its file name without the compression suffix, since it goes in decompressed", () => {
    expect(guestModulePath("/lib/modules/r/kernel/drivers/media/mc/mc.ko.xz")).toBe("/kforge/modules/mc.ko");
    expect(guestModulePath("/cache/kernel/lib/crc8.ko.zst")).toBe("/kforge/modules/crc8.ko");
    expect(guestModulePath("/project/hello.ko")).toBe("/kforge/modules/hello.ko");
  });
});
