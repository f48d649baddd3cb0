// The BTF step kbuild runs after linking a .ko (scripts/Makefile.modfinal, CONFIG_DEBUG_INFO_BTF_MODULES
// with a vmlinux in the tree): pahole adds the module's BTF, resolve_btfids patches its ID lists.
// make does not record it in a .cmd file, so its flags come from the kernel's own Makefile.btf,
// evaluated with the build's environment (KBUILD_BUILD_TIMESTAMP turns pahole's -j off).
import { access } from "node:fs/promises";
import { basename, join } from "node:path";
import { readKernelConfig } from "../../kernel/kernel-config.js";
import { run } from "../../process/exec.js";
import { describeKernelTree } from "../fingerprint.js";

export type BtfStep = { needed: false } | { needed: true; command: (ko: string) => string } | { unknown: string };

const flagsByTree = new Map<string, Promise<string | undefined>>();

// linker: the program the recorded .ko link runs, which names the objcopy pahole uses.
export async function planModuleBtf(kdir: string, dir: string, linker: string, environment: NodeJS.ProcessEnv): Promise<BtfStep> {
  const config = await readKernelConfig(kdir);
  if (config?.get("CONFIG_DEBUG_INFO_BTF_MODULES") !== "y") return { needed: false };
  // Without vmlinux kbuild prints "Skipping BTF generation" and leaves the .ko as linked.
  if (!(await exists(join(kdir, "vmlinux")))) return { needed: false };
  const objcopy = objcopyFor(linker);
  if (!objcopy) return { unknown: `no objcopy known for the linker ${linker}` };
  if (environment.PAHOLE !== undefined) return { unknown: "PAHOLE is set in the environment" };
  const resolveBtfids = "./tools/bpf/resolve_btfids/resolve_btfids";
  if (!(await exists(join(kdir, resolveBtfids)))) return { unknown: "the kernel tree has no resolve_btfids" };
  const key = `${kdir}\0${dir}\0${environment.KBUILD_BUILD_TIMESTAMP ?? ""}`;
  if (!flagsByTree.has(key)) flagsByTree.set(key, readPaholeFlags(kdir, dir, environment));
  const flags = await flagsByTree.get(key)!;
  if (flags === undefined) return { unknown: "the kernel tree's scripts/Makefile.btf could not be read" };
  return {
    needed: true,
    command: (ko) => `LLVM_OBJCOPY="${objcopy}" pahole -J ${flags} --btf_base vmlinux ${ko}; ${resolveBtfids} -b vmlinux ${ko}`,
  };
}

// Pure: x86_64-linux-gnu-ld → x86_64-linux-gnu-objcopy, ld.lld-15 → llvm-objcopy-15.
export function objcopyFor(linker: string): string | undefined {
  const lld = /^ld\.lld(-\d+)?$/.exec(basename(linker));
  if (lld) return `llvm-objcopy${lld[1] ?? ""}`;
  // The prefix is CROSS_COMPILE (ending in -) or a directory: "mold" is no ld.
  const gnu = /^(.*?[/-])?ld(?:\.bfd)?$/.exec(linker);
  return gnu ? `${gnu[1] ?? ""}objcopy` : undefined;
}

// "$(PAHOLE_FLAGS) $(MODULE_PAHOLE_FLAGS)" as kbuild computes them for an external module.
async function readPaholeFlags(kdir: string, dir: string, environment: NodeJS.ProcessEnv): Promise<string | undefined> {
  const srctree = (await describeKernelTree(kdir)).roots.at(-1)!;
  if (!(await exists(join(srctree, "scripts", "Makefile.btf")))) return undefined;
  const makefile = [
    "include include/config/auto.conf",
    `include ${srctree}/scripts/Kbuild.include`,
    `include ${srctree}/scripts/Makefile.btf`,
    'kforge-pahole-flags: ; @echo "$(PAHOLE_FLAGS) $(MODULE_PAHOLE_FLAGS)"',
    "",
  ].join("\n");
  const result = await run("make", ["-s", "-f", "-", `KBUILD_EXTMOD=${dir}`, "kforge-pahole-flags"], {
    cwd: kdir,
    env: environment,
    input: makefile,
  });
  return result.exitCode === 0 ? result.stdout.trim().replace(/\s+/g, " ") : undefined;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
