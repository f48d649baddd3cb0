// Pure: the architectures a kernel tree can be configured for, named as kforge reports them (the kernel's
// own names: x86_64, arm64, arm), and for the ones kforge fetches and cross-builds for, how Debian,
// kbuild, GCC, ELF and QEMU name them. One table, so a flavour, a config and a .ko agree on what they are.
import type { KernelConfig } from "./kernel-config.js";

export interface Architecture {
  // The kernel's name, as archFromConfig returns it.
  name: string;
  // kbuild's ARCH=.
  make: string;
  // dpkg's architecture name.
  debian: string;
  // The GNU triplet: CROSS_COMPILE is `${gnuType}-`, the Debian cross compiler is gcc-${gnuType}, clang's --target.
  gnuType: string;
  // e_machine of its ELF files.
  elfMachine: number;
  // Debian's kernel flavours of this architecture (the release suffix: 6.1.0-57-<flavour>).
  flavours: readonly string[];
  qemu: string;
  // The Debian package that has it.
  qemuPackage: string;
  // Node's process.arch on a machine of this architecture.
  nodeArch: string;
}

export const ARCHITECTURES: readonly Architecture[] = [
  {
    name: "x86_64",
    make: "x86",
    debian: "amd64",
    gnuType: "x86_64-linux-gnu",
    elfMachine: 62,
    flavours: ["amd64", "cloud-amd64", "rt-amd64"],
    qemu: "qemu-system-x86_64",
    qemuPackage: "qemu-system-x86",
    nodeArch: "x64",
  },
  {
    name: "arm64",
    make: "arm64",
    debian: "arm64",
    gnuType: "aarch64-linux-gnu",
    elfMachine: 183,
    flavours: ["arm64", "cloud-arm64", "rt-arm64", "arm64-16k"],
    qemu: "qemu-system-aarch64",
    qemuPackage: "qemu-system-arm",
    nodeArch: "arm64",
  },
  {
    name: "arm",
    make: "arm",
    debian: "armhf",
    gnuType: "arm-linux-gnueabihf",
    elfMachine: 40,
    flavours: ["armmp", "armmp-lpae", "rt-armmp"],
    qemu: "qemu-system-arm",
    qemuPackage: "qemu-system-arm",
    nodeArch: "arm",
  },
];

// Flavours of the Debian ports kforge does not build for, so their releases get a clear refusal.
const OTHER_DEBIAN_FLAVOURS: Record<string, string> = {
  "686": "i386",
  "686-pae": "i386",
  "rt-686-pae": "i386",
  powerpc64le: "ppc64el",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips32r2el: "mipsel",
  mips64r2el: "mips64el",
  "loongson-3": "mips64el",
  octeon: "mips64el",
  "4kc-malta": "mipsel",
  "5kc-malta": "mips64el",
  marvell: "armel",
  rpi: "armel",
};

// Checked in order: UML sets CONFIG_X86_64 too, and 64-bit x86 sets CONFIG_X86.
const CONFIG_ARCHES: [string, string][] = [
  ["CONFIG_UML", "um"],
  ["CONFIG_X86_64", "x86_64"],
  ["CONFIG_X86", "i386"],
  ["CONFIG_ARM64", "arm64"],
  ["CONFIG_ARM", "arm"],
  ["CONFIG_RISCV", "riscv"],
  ["CONFIG_PPC", "powerpc"],
  ["CONFIG_S390", "s390"],
  ["CONFIG_LOONGARCH", "loongarch"],
];

// Names people pass for ARCH= (and Debian's and GCC's names) mapped to the kernel's; "x86" covers both x86 flavours.
const ALIASES: Record<string, string> = {
  amd64: "x86_64",
  x86_32: "i386",
  i686: "i386",
  aarch64: "arm64",
  armhf: "arm",
  armel: "arm",
  riscv64: "riscv",
  riscv32: "riscv",
  ppc: "powerpc",
  ppc64: "powerpc",
  ppc64le: "powerpc",
  powerpc64: "powerpc",
  s390x: "s390",
  loong64: "loongarch",
};

// undefined when the config names none of the architectures above.
export function archFromConfig(config: KernelConfig): string | undefined {
  return CONFIG_ARCHES.find(([option]) => config.get(option) === "y")?.[1];
}

// The kernel's name for an architecture name given in any of the spellings above.
const normalizeArch = (name: string): string => ALIASES[name] ?? name;

export function archMatches(requested: string, configured: string): boolean {
  const normalized = normalizeArch(requested);
  if (normalized === "x86") return configured === "x86_64" || configured === "i386";
  return normalized === configured;
}

export const architectureNamed = (name: string): Architecture | undefined =>
  ARCHITECTURES.find((architecture) => archMatches(name, architecture.name));

// The machine kforge runs on; undefined on one kforge has no table row for.
export const hostArchitecture = (nodeArch: string = process.arch): Architecture | undefined =>
  ARCHITECTURES.find((architecture) => architecture.nodeArch === nodeArch);

export interface DebianRelease {
  // "6.1.0-57" or "6.12.118+deb12": the part shared by every flavour of one kernel build.
  version: string;
  flavour: string;
}

// "6.1.0-57-armmp-lpae" -> {version: "6.1.0-57", flavour: "armmp-lpae"}; undefined for other names.
export function parseDebianRelease(release: string): DebianRelease | undefined {
  const match = /^(\d+\.\d+\.\d+(?:-\d+|\+deb\d+))-([a-z][a-z0-9-]*)$/.exec(release);
  return match ? { version: match[1]!, flavour: match[2]! } : undefined;
}

export type ReleaseArchitecture =
  | { kind: "known"; architecture: Architecture }
  // A Debian port kforge does not build for.
  | { kind: "unsupported"; debian: string }
  // Not a Debian flavour kforge knows (Ubuntu's -generic, a custom build): the host's, as before.
  | { kind: "unknown" };

export function releaseArchitecture(release: string): ReleaseArchitecture {
  const flavour = parseDebianRelease(release)?.flavour;
  if (flavour === undefined) return { kind: "unknown" };
  const architecture = ARCHITECTURES.find((candidate) => candidate.flavours.includes(flavour));
  if (architecture) return { kind: "known", architecture };
  const debian = OTHER_DEBIAN_FLAVOURS[flavour];
  return debian ? { kind: "unsupported", debian } : { kind: "unknown" };
}

// A release of a kforge-known architecture other than the host's, or undefined.
export function foreignArchitectureOf(release: string, host = hostArchitecture()): Architecture | undefined {
  const found = releaseArchitecture(release);
  return found.kind === "known" && found.architecture.name !== host?.name ? found.architecture : undefined;
}

// "-arm64, -armmp, ..." for messages that say which releases kforge fetches.
export const knownFlavours = (): string =>
  ARCHITECTURES.flatMap((architecture) => architecture.flavours.map((flavour) => `-${flavour}`)).join(", ");
