// Which distribution this is (from /etc/os-release), so hints can name the right package.
import { readFile } from "node:fs/promises";

export interface OsRelease {
  id: string;
  idLike: string[];
  prettyName: string;
}

export type DistroFamily = "debian" | "fedora" | "arch" | "suse" | "unknown";

// Pure: parse os-release's KEY=value lines (values optionally quoted).
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    fields.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, "$2"));
  }
  return {
    id: fields.get("ID") ?? "linux",
    idLike: (fields.get("ID_LIKE") ?? "").split(/\s+/).filter(Boolean),
    prettyName: fields.get("PRETTY_NAME") ?? fields.get("NAME") ?? "Linux",
  };
}

export function distroFamily(os: OsRelease): DistroFamily {
  const ids = [os.id, ...os.idLike];
  if (ids.some((id) => id === "debian" || id === "ubuntu")) return "debian";
  if (ids.some((id) => ["fedora", "rhel", "centos", "rocky", "almalinux"].includes(id))) return "fedora";
  if (ids.includes("arch")) return "arch";
  if (ids.some((id) => id.startsWith("opensuse") || id === "suse" || id === "sles")) return "suse";
  return "unknown";
}

// The command that installs the build tree (headers) for a release on this distribution.
export function headersInstallHint(family: DistroFamily, release: string): string {
  switch (family) {
    case "debian":
      return `apt-get install linux-headers-${release}`;
    case "fedora":
      return `dnf install kernel-devel-${release}`;
    case "arch":
      return "pacman -S linux-headers (for the running kernel)";
    case "suse":
      return "zypper install kernel-default-devel";
    default:
      return `install your distribution's kernel headers / build tree package for ${release}`;
  }
}

// Headers for some kernel when none is installed: Debian's and Ubuntu's metapackages differ
// (linux-headers-amd64 does not exist on Ubuntu).
export function anyHeadersInstallHint(os: OsRelease, runningRelease: string): string {
  const family = distroFamily(os);
  if (family !== "debian") return headersInstallHint(family, runningRelease);
  const metapackage = [os.id, ...os.idLike].includes("ubuntu") ? "linux-headers-generic" : "linux-headers-amd64";
  return `apt-get install ${metapackage} (or the -headers- package of the kernel you target)`;
}

export async function readOsRelease(path = "/etc/os-release"): Promise<OsRelease> {
  try {
    return parseOsRelease(await readFile(path, "utf8"));
  } catch {
    return parseOsRelease("");
  }
}
