// Rust modules: a Kbuild line `obj-m := x.o` whose source is x.rs. kbuild builds them only against a
// kernel built with CONFIG_RUST (and its rustc and bindgen); against any other, rustc fails with a line
// about the kernel's target or flags that does not say why, so kforge says it.
import { isAccessible } from "../fs/files.js";
import { join } from "node:path";
import { readKernelConfig } from "../kernel/kernel-config.js";
import type { Diagnostic } from "./parse-output.js";

// Pure: the module objects the Kbuild/Makefile texts name (obj-m and obj-$(CONFIG_X)), as relative paths without .o.
export function moduleObjects(kbuildTexts: readonly string[]): string[] {
  const objects = new Set<string>();
  for (const text of kbuildTexts) {
    for (const line of text.replace(/\\\n/g, " ").split("\n")) {
      const assignment = /^\s*obj-(?:m|\$\([A-Za-z0-9_]+\))\s*[:+]?=(.*)$/.exec(line.replace(/#.*$/, ""));
      for (const word of (assignment?.[1] ?? "").trim().split(/\s+/)) if (word.endsWith(".o")) objects.add(word.slice(0, -2));
    }
  }
  return [...objects];
}

// The objects of dir that are Rust modules: x.rs exists and x.c does not.
export async function findRustModules(dir: string, kbuildTexts: readonly string[]): Promise<string[]> {
  const rust: string[] = [];
  for (const object of moduleObjects(kbuildTexts)) {
    if ((await isAccessible(join(dir, `${object}.rs`))) && !(await isAccessible(join(dir, `${object}.c`)))) rust.push(object);
  }
  return rust;
}

// Pure: the error to show first when a Rust module failed against a kernel without Rust support.
export function rustSupportDiagnostic(
  objects: readonly string[],
  release: string,
  config: Map<string, string> | undefined,
): Diagnostic | undefined {
  if (objects.length === 0 || config?.get("CONFIG_RUST") === "y") return undefined;
  const names = objects.map((object) => `${object}.rs`).join(", ");
  return {
    severity: "error",
    file: `${objects[0]}.rs`,
    line: null,
    column: null,
    message:
      `${names} ${objects.length === 1 ? "is a Rust module" : "are Rust modules"}, ` +
      `and kernel ${release} has no Rust support (CONFIG_RUST is not set)`,
    flag: null,
    hint:
      "build it for a kernel configured with CONFIG_RUST=y, with the rustc and bindgen versions that kernel was built with " +
      "(kforge kernels lists the installed ones); Debian's stock 6.1 and 6.12 kernels have no Rust support",
    origin: "kforge",
  };
}

export async function explainRustFailure(dir: string, kbuildTexts: readonly string[], kernel: { release: string; kdir: string }) {
  const objects = await findRustModules(dir, kbuildTexts);
  return objects.length === 0 ? undefined : rustSupportDiagnostic(objects, kernel.release, await readKernelConfig(kernel.kdir));
}
