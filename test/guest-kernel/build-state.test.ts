// When `kforge kernel build` runs make again, decided from what is on disk (files made here, no make).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countBuiltObjects, markComplete, markIncomplete, releaseLayout, staleReason } from "../../src/guest-kernel/build-state.js";
import { createGuestConfig } from "../../src/guest-kernel/guest-config.js";

const root = mkdtempSync(join(tmpdir(), "kforge-build-state-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const release = "6.12.900-kforge-debug";
const fragment = createGuestConfig({ debug: true });

function registeredTree(name: string) {
  const source = join(root, `${name}-source`);
  const layout = releaseLayout(join(root, name), release);
  mkdirSync(source, { recursive: true });
  mkdirSync(join(layout.kdir, "mm"), { recursive: true });
  mkdirSync(join(layout.modulesDir), { recursive: true });
  mkdirSync(join(layout.dir, "boot"), { recursive: true });
  symlinkSync(source, join(layout.kdir, "source"));
  writeFileSync(layout.fragment, fragment);
  writeFileSync(join(layout.kdir, ".config"), `${fragment}CONFIG_KFENCE=y\n`);
  for (const file of [
    layout.image,
    join(layout.modulesDir, "modules.dep"),
    join(layout.kdir, "Module.symvers"),
    join(layout.kdir, "mm/.slub.o.cmd"),
    join(layout.kdir, ".vmlinux.o.cmd"),
    join(layout.kdir, "mm/.built-in.a.cmd"),
  ])
    writeFileSync(file, "");
  return { layout, source };
}

describe("staleReason", () => {
  it("finds nothing to do for a registered tree made from the same source and fragment", async () => {
    const { layout, source } = registeredTree("current");
    expect(await staleReason(layout, fragment, source)).toBeUndefined();
    // What the .config has is what counts: the order of the fragment, or an option kforge no longer asks for, does not.
    expect(await staleReason(layout, fragment.split("\n").reverse().join("\n"), source)).toBeUndefined();
    expect(await staleReason(layout, fragment.replace("CONFIG_KUNIT=y\n", ""), source)).toBeUndefined();
  });

  it("rebuilds after a config change, an interrupted build, another source, or a missing part", async () => {
    const { layout, source } = registeredTree("stale");
    expect(await staleReason(layout, createGuestConfig({ debug: true, extra: ["# CONFIG_KFENCE is not set"] }), source)).toBe(
      "the configuration changed",
    );
    expect(await staleReason(layout, fragment, join(root, "elsewhere"))).toBe("the source tree changed");
    await markIncomplete(layout);
    expect(await staleReason(layout, fragment, source)).toBe("the last build did not finish");
    await markComplete(layout);
    rmSync(join(layout.modulesDir, "modules.dep"));
    expect(await staleReason(layout, fragment, source)).toBe(`${join(layout.modulesDir, "modules.dep")} is missing`);
    expect(await staleReason(releaseLayout(join(root, "never"), release), fragment, source)).toBe("not built yet");
  });

  it("counts the objects a build dir holds from kbuild's .o.cmd files", async () => {
    const { layout } = registeredTree("counted");
    expect(await countBuiltObjects(layout.kdir)).toBe(2);
  });
});
