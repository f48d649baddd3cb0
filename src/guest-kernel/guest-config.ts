// Pure: the Kconfig fragment for a kforge guest kernel, merged onto `make tinyconfig` so it builds in
// minutes. The guest is q35 with two 8250 serial ports (console and agent), booted through PVH with a
// busybox initramfs; --debug adds the memory, locking and leak checkers, KUnit and gcov.
import { createHash } from "node:crypto";
import { localVersion } from "../kernel/built-release.js";

// What kforge's guest needs to boot, run its agent and load and unload modules.
const GUEST_OPTIONS = [
  "CONFIG_64BIT=y",
  "CONFIG_HYPERVISOR_GUEST=y",
  "CONFIG_PVH=y",
  "CONFIG_PARAVIRT=y",
  // ACPI: `poweroff -f` powers q35 off through it; without it the guest only halts.
  "CONFIG_ACPI=y",
  "CONFIG_PCI=y",
  "CONFIG_TTY=y",
  "CONFIG_SERIAL_8250=y",
  "CONFIG_SERIAL_8250_CONSOLE=y",
  "CONFIG_PRINTK=y",
  "CONFIG_EARLY_PRINTK=y",
  "CONFIG_BLK_DEV_INITRD=y",
  "CONFIG_DEVTMPFS=y",
  "CONFIG_PROC_FS=y",
  "CONFIG_PROC_SYSCTL=y",
  "CONFIG_SYSFS=y",
  "CONFIG_BINFMT_ELF=y",
  "CONFIG_BINFMT_SCRIPT=y",
  "CONFIG_FUTEX=y",
  "CONFIG_MULTIUSER=y",
  "CONFIG_MODULES=y",
  "CONFIG_MODULE_UNLOAD=y",
  "CONFIG_PVPANIC=y",
  "CONFIG_PVPANIC_PCI=y",
  "CONFIG_DEBUG_FS=y",
  // Symbolized reports, and -g for the modules built against the tree (kforge names the source line).
  "CONFIG_KALLSYMS=y",
  "CONFIG_KALLSYMS_ALL=y",
  "CONFIG_DEBUG_KERNEL=y",
  "CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y",
  "CONFIG_DEBUG_INFO_REDUCED=y",
  "CONFIG_STACKTRACE=y",
  "# CONFIG_LOCALVERSION_AUTO is not set",
];

// The checkers that catch what a stock kernel lets pass.
const DEBUG_OPTIONS = [
  // tinyconfig turns SLUB_TINY on, and KASAN needs it off; SLUB_TINY is only visible with EXPERT.
  "CONFIG_EXPERT=y",
  "# CONFIG_SLUB_TINY is not set",
  "CONFIG_KASAN=y",
  "CONFIG_KASAN_GENERIC=y",
  "CONFIG_KASAN_INLINE=y",
  "CONFIG_KFENCE=y",
  "CONFIG_UBSAN=y",
  "CONFIG_UBSAN_BOUNDS=y",
  "CONFIG_UBSAN_SHIFT=y",
  "CONFIG_PROVE_LOCKING=y",
  "CONFIG_DEBUG_ATOMIC_SLEEP=y",
  "CONFIG_DEBUG_KMEMLEAK=y",
  // kforge scans once the project's modules are unloaded; a background scan would report at random times.
  "# CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN is not set",
  "# CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF is not set",
  "CONFIG_DEBUG_OBJECTS=y",
  "CONFIG_DEBUG_LIST=y",
  "CONFIG_KUNIT=y",
  // kforge test --coverage: a module built with GCOV_PROFILE=y keeps its counters in debugfs (gcov/).
  // Only what asks for it is instrumented; the kernel itself runs as fast as without.
  "CONFIG_GCOV_KERNEL=y",
];

export interface GuestConfigOptions {
  debug: boolean;
  // What a project needs beyond kforge's guest ("CONFIG_X=y", "# CONFIG_Y is not set"), applied last.
  extra?: string[];
}

// Pure: the key of a project's extra options, the same for the same options in any order.
export function variantKey(extra: readonly string[]): string | undefined {
  const options = [...resolveFragment(extra.join("\n"))].map(([name, value]) => `${name}=${value}`).sort();
  return options.length ? createHash("sha256").update(options.join("\n")).digest("hex").slice(0, 8) : undefined;
}

export function createGuestConfig(options: GuestConfigOptions): string {
  const lines = [
    `CONFIG_LOCALVERSION="${localVersion(options.debug, variantKey(options.extra ?? []))}"`,
    ...GUEST_OPTIONS,
    ...(options.debug ? DEBUG_OPTIONS : []),
    ...(options.extra ?? []),
  ];
  return `${lines.join("\n")}\n`;
}

// Pure: what a fragment or .config sets, the last assignment winning as in Kconfig; "n" for "is not set".
export function resolveFragment(text: string): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const line of text.split("\n")) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (set) resolved.set(set[1]!, set[2]!);
    if (unset) resolved.set(unset[1]!, "n");
  }
  return resolved;
}

// Pure: the options a fragment asks for that the resolved .config does not have (a dependency
// missing or a typo), so the build can say so instead of silently lacking a checker.
export function missingOptions(fragment: string, config: string): string[] {
  const resolved = resolveFragment(config);
  // A module asked for as "m" that something else forces built in ("y") still serves.
  const satisfies = (wanted: string, got: string) => got === wanted || (wanted === "m" && got === "y");
  return [...resolveFragment(fragment)]
    .filter(([name, value]) => !satisfies(value, resolved.get(name) ?? "n"))
    .map(([name, value]) => (value === "n" ? `# ${name} is not set` : `${name}=${value}`));
}
