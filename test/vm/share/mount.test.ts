// The guest's mount of the run's shared folder (run for real in a guest by test/vm/vm-file-share.test.ts).
import { describe, expect, it } from "vitest";
import { FILE_SHARE_TAG, fileShareMountCommand } from "../../../src/vm/share/mount.js";

describe("fileShareMountCommand", () => {
  it("mounts the share read-only by its tag and links staged modules and files where a cold start puts them", () => {
    const command = fileShareMountCommand();
    expect(command).toMatch(new RegExp(`^mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=\\d+ ${FILE_SHARE_TAG} /kforge/share && `));
    expect(command).toContain(
      'for file in /kforge/share/modules/*; do [ ! -e "$file" ] || ln -sf "$file" /kforge/modules/ || exit 1; done',
    );
    expect(command).toContain('for file in /kforge/share/work/*; do [ ! -e "$file" ] || ln -sf "$file" /kforge/work/ || exit 1; done');
  });
});
