// Which Kconfig option builds the code that exports a symbol: pure over small trees, then over the real
// kernel source the debug kernel was built from (the linux-source kforge unpacked), then through a real
// build against that debug kernel, whose modpost error then names the option instead of a typo.
import { cpSync, mkdtempSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lackingSymbols, projectKernelOptions } from "../../src/guest-kernel/project-options.js";
import { findSymbolExporters, makefileOwner, optionBuilding, parseExportLines } from "../../src/guest-kernel/symbol-options.js";
import { runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";
import { debugKernel, kernel612 } from "../helpers/kernels.js";
import { removeDir } from "../kbuild/modules.js";

describe("the option building an exporter, pure", () => {
  const tree: Record<string, string> = {
    Kbuild: "obj-y += init/\nobj-$(CONFIG_BLOCK) += block/\n",
    Makefile: "libs-y := lib/\n",
    "block/Makefile": "obj-y := bdev.o \\\n\tgenhd.o partitions/\nobj-$(CONFIG_BOUNCE) += bounce.o\n",
    "lib/Makefile": "lib-y := ctype.o\nobj-$(CONFIG_CRC16) += crc16.o\n",
    "drivers/Makefile": "obj-$(CONFIG_USB) += usb/\n",
    "drivers/usb/Makefile": "obj-y += core/\n",
    "drivers/usb/core/Makefile": "usbcore-y := usb.o driver.o\nobj-$(CONFIG_USB) += usbcore.o\n",
    "init/Makefile": "obj-y := main.o\n",
  };
  const read = (path: string) => tree[path];

  it("reads obj-$(CONFIG_X), obj-y, lib-y and composite objects from a Makefile", () => {
    expect(makefileOwner(tree["block/Makefile"]!, "genhd.o")).toEqual({ kind: "always" });
    expect(makefileOwner(tree["block/Makefile"]!, "bounce.o")).toEqual({ kind: "option", option: "BOUNCE" });
    expect(makefileOwner(tree["drivers/usb/core/Makefile"]!, "driver.o")).toEqual({ kind: "composite", object: "usbcore.o" });
    expect(makefileOwner(tree["lib/Makefile"]!, "nothere.o")).toBeUndefined();
  });

  it("walks up the folders while the code is built whenever its folder is", () => {
    expect(optionBuilding(read, "block/genhd.c")).toEqual({ found: true, option: "BLOCK" });
    expect(optionBuilding(read, "lib/crc16.c")).toEqual({ found: true, option: "CRC16" });
    expect(optionBuilding(read, "drivers/usb/core/driver.c")).toEqual({ found: true, option: "USB" });
    expect(optionBuilding(read, "init/main.c")).toEqual({ found: true });
    expect(optionBuilding(read, "lib/unknown.c")).toEqual({ found: false });
  });

  it("reads grep's lines, never taking another architecture's copy", () => {
    const output = [
      "./arch/arm64/lib/memcpy.S:12:EXPORT_SYMBOL(memcpy)",
      "./arch/x86/lib/memcpy_64.S:40:EXPORT_SYMBOL(memcpy)",
      "./block/genhd.c:745:EXPORT_SYMBOL(del_gendisk);",
      "./drivers/usb/core/driver.c:1102:EXPORT_SYMBOL_GPL(usb_register_driver);",
    ].join("\n");
    expect(parseExportLines(output, "x86")).toEqual(
      new Map([
        ["memcpy", "arch/x86/lib/memcpy_64.S"],
        ["del_gendisk", "block/genhd.c"],
        ["usb_register_driver", "drivers/usb/core/driver.c"],
      ]),
    );
  });
});

describe("on the real kernel source of the debug kernel", () => {
  const sourceDir = readlinkSync(join(debugKernel().kdir, "source"));
  const read = (path: string) => {
    try {
      return readFileSync(join(sourceDir, path), "utf8");
    } catch {
      return undefined;
    }
  };
  const root = mkdtempSync(join(tmpdir(), "kforge-symbol-options-"));
  afterAll(() => removeDir(root));
  const dir = join(root, "blkdemo");
  cpSync(fixturePath("guest-kernel/projects/blkdemo"), dir, { recursive: true });

  it("maps built-in and module exports to the options that build them", async () => {
    const exporters = await findSymbolExporters(
      sourceDir,
      ["del_gendisk", "crc16", "__video_register_device", "usb_register_driver"],
      read,
    );
    expect(exporters).toEqual([
      { symbol: "del_gendisk", file: "block/genhd.c", option: "BLOCK" },
      { symbol: "crc16", file: "lib/crc16.c", option: "CRC16" },
      { symbol: "__video_register_device", file: "drivers/media/v4l2-core/v4l2-dev.c", option: "VIDEO_DEV" },
      { symbol: "usb_register_driver", file: "drivers/usb/core/driver.c", option: "USB" },
    ]);
  }, 60_000);

  it("names the missing option and debugKernel.config when a module fails to link against the debug kernel", async () => {
    const result = await runKforge(["build", dir, "--kernel", debugKernel().release, "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    const hints = Object.fromEntries(
      (JSON.parse(result.stdout).kernels[0].diagnostics as { message: string; hint: string }[]).map((diagnostic) => [
        diagnostic.message,
        diagnostic.hint,
      ]),
    );
    expect(hints['"del_gendisk" [blkdemo.ko] undefined!']).toBe(
      `del_gendisk is exported by block/genhd.c, which is built only with CONFIG_BLOCK, and ${debugKernel().release} was configured ` +
        'without it: add {"debugKernel": {"config": {"CONFIG_BLOCK": "y"}}} to kforge.json (kforge vm --debug then builds and boots ' +
        "that variant of the debug kernel), or build for a kernel that has CONFIG_BLOCK",
    );
    expect(hints['"crc16" [blkdemo.ko] undefined!']).toMatch(/^crc16 is exported by lib\/crc16\.c, which is built only with CONFIG_CRC16/);
  }, 300_000);

  it("puts CONFIG_BLOCK into the project's debug variant, beside the in-tree crc16 module", async () => {
    const build = await runKforge(["build", dir, "--kernel", kernel612().release], { timeoutMs: 300_000 });
    expect(build.exitCode, build.stderr).toBe(0);
    // What the project lacks against the plain debug kernel, from a build in that kernel's own tree.
    const project = { dir, config: {} };
    const lacking = await lackingSymbols(project, debugKernel());
    expect([...lacking].sort()).toEqual(["crc16", "del_gendisk"]);
    const probeLog = join(dir, ".kforge", "build", debugKernel().release, ".kforge", "logs", debugKernel().release, "build.log");
    const probedAt = statSync(probeLog).mtimeMs;
    // Kept for the same sources and kernel: asked again, no make runs.
    expect(await lackingSymbols(project, debugKernel())).toEqual(lacking);
    expect(statSync(probeLog).mtimeMs).toBe(probedAt);
    const options = await projectKernelOptions({ ...project, sourceDir, stock: kernel612(), lacking });
    expect(options.extra).toEqual(["CONFIG_BLOCK=y", "CONFIG_CRC16=m"]);
    expect(options.inTreeModules).toEqual(["crc16"]);
    expect(options.builtInOptions).toEqual([{ option: "BLOCK", symbols: ["del_gendisk"] }]);
  }, 300_000);
});
