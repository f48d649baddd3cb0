// kforge caches and QEMUs of a test's own (saved guest states, agent initramfs files) that share the user's
// fetched kernels: XDG_CACHE_HOME for runKforge.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { findModulesDir } from "../../src/kernel/kernel-image.js";

export const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");

export function privateCache(root: string, name: string): string {
  const cache = join(root, name);
  mkdirSync(join(cache, "kforge"), { recursive: true });
  if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(cache, "kforge", "kernels"));
  return cache;
}

// A cache whose copy of the release's modules tree is the real one but for a modules.dep without the
// 9p modules.
export async function cacheWithout9p(root: string, release: string): Promise<string> {
  const cache = join(root, "cache-no-9p");
  const kernelDir = join(cache, "kforge", "kernels", release);
  const real = (await findModulesDir(release))!;
  const modulesDir = join(kernelDir, "lib", "modules", release);
  mkdirSync(modulesDir, { recursive: true });
  symlinkSync(join(sharedKernels, release, "boot"), join(kernelDir, "boot"));
  symlinkSync(join(real, "kernel"), join(modulesDir, "kernel"));
  cpSync(join(real, "modules.builtin"), join(modulesDir, "modules.builtin"));
  const dependencies = readFileSync(join(real, "modules.dep"), "utf8").split("\n");
  writeFileSync(join(modulesDir, "modules.dep"), dependencies.filter((line) => !/9p/.test(line)).join("\n"));
  // Where the installed tree has its modules, kforge reads that one: the test would prove nothing.
  expect(await findModulesDir(release, { env: { XDG_CACHE_HOME: cache } })).toBe(modulesDir);
  return cache;
}

// A PATH whose qemu-system-x86_64 stands in for a QEMU built without virtio-9p, which cannot be
// installed here beside the real one: the real QEMU, whose device list leaves 9p out.
export function pathWithoutQemu9p(root: string): string {
  const real = execFileSync("sh", ["-c", "command -v qemu-system-x86_64"], { encoding: "utf8" }).trim();
  const bin = join(root, "qemu-without-9p");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "qemu-system-x86_64"),
    `#!/bin/sh\nif [ "$1" = -device ] && [ "$2" = help ]; then ${real} -device help | grep -v 9p; exit 0; fi\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
  return `${bin}:${process.env.PATH}`;
}
