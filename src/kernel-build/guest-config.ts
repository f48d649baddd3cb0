// Pure: the Kconfig fragment for a kforge guest kernel, merged onto `make tinyconfig` so it builds in
// minutes. The guest is q35 with two 8250 serial ports (console and agent), booted through PVH with a
// busybox initramfs; --debug adds the memory, locking and leak checkers and KUnit.

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
  "CONFIG_TMPFS=y",
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
];

export const DEBUG_FLAVOUR = "kforge-debug";
export const GUEST_FLAVOUR = "kforge";

export interface GuestConfigOptions {
  debug: boolean;
  // Extra lines from kforge.json ("CONFIG_X=y", "# CONFIG_Y is not set"), applied last.
  extra?: string[];
}

export const flavourOf = (debug: boolean): string => (debug ? DEBUG_FLAVOUR : GUEST_FLAVOUR);

// The release a built kernel reports: its source version plus kforge's local version.
export const builtRelease = (version: string, debug: boolean): string => `${version}-${flavourOf(debug)}`;

export function createGuestConfig(options: GuestConfigOptions): string {
  const lines = [
    `CONFIG_LOCALVERSION="-${flavourOf(options.debug)}"`,
    ...GUEST_OPTIONS,
    ...(options.debug ? DEBUG_OPTIONS : []),
    ...(options.extra ?? []),
  ];
  return `${lines.join("\n")}\n`;
}

// Pure: the options a fragment asks for that the resolved .config does not have (a dependency
// missing or a typo), so the build can say so instead of silently lacking a checker.
export function missingOptions(fragment: string, config: string): string[] {
  const resolved = new Map<string, string>();
  for (const line of config.split("\n")) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (set) resolved.set(set[1]!, set[2]!);
  }
  const missing: string[] = [];
  for (const line of fragment.split("\n")) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (set && resolved.get(set[1]!) !== set[2]) missing.push(line);
    if (unset && resolved.has(unset[1]!) && resolved.get(unset[1]!) !== "n") missing.push(line);
  }
  return missing;
}
