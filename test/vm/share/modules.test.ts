// The 9p modules of the installed kernels' real modules trees, and a tree that lacks them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findModulesDir } from "../../../src/kernel/kernel-image.js";
import { findShareModules } from "../../../src/vm/share/modules.js";
import { kernel61, kernel612 } from "../../helpers/kernels.js";

const names = (files: string[]) => files.map((file) => basename(file).replace(/\.ko(\.xz|\.zst|\.gz)?$/, ""));

describe("findShareModules", () => {
  it("loads virtio's PCI transport, netfs and fscache before 9p on 6.1, where they are modules", async () => {
    const found = await findShareModules((await findModulesDir(kernel61().release))!);
    if (!found.available) throw new Error(`6.1 lacks ${found.missing.join(", ")}`);
    const order = names(found.files);
    expect(order).toEqual(expect.arrayContaining(["virtio_pci", "9pnet", "9pnet_virtio", "netfs", "fscache", "9p"]));
    expect(order.indexOf("virtio_ring")).toBeLessThan(order.indexOf("virtio"));
    expect(order.indexOf("9pnet")).toBeLessThan(order.indexOf("9pnet_virtio"));
    expect(order.at(-1)).toBe("9p");
  });

  it("needs only 9p and netfs on 6.12, which builds virtio in", async () => {
    const found = await findShareModules((await findModulesDir(kernel612().release))!);
    if (!found.available) throw new Error(`6.12 lacks ${found.missing.join(", ")}`);
    expect(names(found.files).sort()).toEqual(["9p", "9pnet", "9pnet_virtio", "netfs"]);
  });

  const empty = mkdtempSync(join(tmpdir(), "kforge-share-modules-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("names what a modules tree without 9p lacks", async () => {
    writeFileSync(join(empty, "modules.dep"), "kernel/drivers/virtio/virtio_pci.ko:\n");
    expect(await findShareModules(empty)).toEqual({ available: false, missing: ["9pnet_virtio", "9p"] });
  });
});
