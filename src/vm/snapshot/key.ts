// Pure: what a saved guest state is valid for. The key hashes everything that shapes the restored
// machine; the per-run paths on the QEMU command line (temp dir, sockets) are left out, since a
// state restores into any of them.
import { createHash } from "node:crypto";

// Bumped when the way states are saved or restored changes (2: the guest RAM in its own file; 3: the
// agent's answers carry a nonce per command, so a state of an older agent can never be restored, and
// the next save drops it).
export const SNAPSHOT_FORMAT = 3;

export interface SnapshotKeyParts {
  // sha256 of the booted image's bytes.
  imageHash: string;
  // Identity of the QEMU binary: its real path, size and modification time, and its version line.
  qemu: string;
  // The module-independent initramfs (busybox, /init, the agent), as sha256.
  initramfsHash: string;
  // The QEMU command line with per-run paths replaced (see machineArguments).
  machineArguments: string[];
}

// Replaces each per-run path by its role, so two runs of the same machine give the same words. The
// longest first: a path inside another (the host userspace's project dir under its root, "/") is
// named whole, before the shorter one takes its slashes.
export function machineArguments(args: string[], paths: Record<string, string>): string[] {
  const roles = Object.entries(paths)
    .filter(([, path]) => path)
    .sort(([, left], [, right]) => right.length - left.length);
  return args.map((arg) => roles.reduce((word, [role, path]) => word.split(path).join(`<${role}>`), arg));
}

export function snapshotKey(parts: SnapshotKeyParts): string {
  const canonical = JSON.stringify({ format: SNAPSHOT_FORMAT, ...parts, machineArguments: parts.machineArguments });
  return createHash("sha256").update(canonical).digest("hex").slice(0, 24);
}
