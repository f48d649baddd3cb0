// The guest's mount of the run's shared folder (run for real in a guest by test/vm/vm-file-share.test.ts).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FILE_SHARE_TAG, fileShareMountCommand } from "../../../src/vm/share/mount.js";

describe("fileShareMountCommand", () => {
  const root = mkdtempSync(join(tmpdir(), "kforge-share-mount-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("mounts the share read-only by its tag and links staged modules and files where a cold start puts them", () => {
    const command = fileShareMountCommand();
    expect(command).toMatch(new RegExp(`^mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=\\d+ ${FILE_SHARE_TAG} /kforge/share && `));
    expect(command).toContain('for file in /kforge/share/modules/*; do [ ! -e "$file" ] || ln -sf "$file" /kforge/modules/ || ');
    expect(command).toContain('for file in /kforge/share/work/*; do [ ! -e "$file" ] || ln -sf "$file" /kforge/work/ || ');
  });

  // Run by busybox sh in a folder standing in for the guest's root, the mount a no-op.
  const runInside = (targets: boolean, script: (command: string) => string) => {
    const guest = join(root, `guest-${Math.random().toString(36).slice(2)}`);
    if (targets) for (const target of ["modules", "work"]) mkdirSync(join(guest, "kforge", target), { recursive: true });
    mkdirSync(join(guest, "kforge/share/modules"), { recursive: true });
    mkdirSync(join(guest, "kforge/share/work"), { recursive: true });
    writeFileSync(join(guest, "kforge/share/modules/mod.ko"), "");
    writeFileSync(join(guest, "kforge/share/work/test.sh"), "");
    const local = fileShareMountCommand()
      .replaceAll("/kforge/", `${guest}/kforge/`)
      .replace(/mount -t 9p \S+ \S+ \S+ \S+/, "true");
    return { guest, run: spawnSync("busybox", ["sh", "-c", script(local)], { encoding: "utf8" }) };
  };

  it("links every staged file, and fails without exiting the command it is part of when a link cannot be made", () => {
    const linkedAll = runInside(true, (command) => command);
    expect(linkedAll.run.status, linkedAll.run.stderr).toBe(0);
    const { guest } = linkedAll;
    expect(spawnSync("readlink", [join(guest, "kforge/modules/mod.ko")], { encoding: "utf8" }).stdout.trim()).toBe(
      join(guest, "kforge/share/modules/mod.ko"),
    );
    // No /kforge/modules to link into: the command fails, and what follows it still runs.
    const failed = runInside(false, (command) => `{ ${command}; } || echo "failed with $?"; echo after`);
    expect(failed.run.stdout).toBe("failed with 1\nafter\n");
  });
});
