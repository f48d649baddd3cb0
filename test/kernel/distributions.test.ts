// The distro-specific paths docs/distributions.md claims, over os-release files of each family
// (test/fixtures/os-release/README.md says which were recorded and which transcribed).
import { describe, expect, it } from "vitest";
import { anyHeadersInstallHint, distroFamily, headersInstallHint, readOsRelease } from "../../src/kernel/os-release.js";

const fixture = (name: string) => new URL(`../fixtures/os-release/${name}`, import.meta.url).pathname;
// A release no machine installs, in each distribution's naming.
const cases = [
  { file: "debian-12", family: "debian", release: "6.1.0-850-amd64", hint: "apt-get install linux-headers-6.1.0-850-amd64" },
  { file: "ubuntu-24.04", family: "debian", release: "6.8.0-850-generic", hint: "apt-get install linux-headers-6.8.0-850-generic" },
  { file: "fedora-40", family: "fedora", release: "6.9.1-850.fc40.x86_64", hint: "dnf install kernel-devel-6.9.1-850.fc40.x86_64" },
  { file: "rocky-9", family: "fedora", release: "5.14.0-850.el9.x86_64", hint: "dnf install kernel-devel-5.14.0-850.el9.x86_64" },
  { file: "arch", family: "arch", release: "6.9.850-arch1-1", hint: "pacman -S linux-headers (for the running kernel)" },
  { file: "opensuse-tumbleweed", family: "suse", release: "6.9.850-1-default", hint: "zypper install kernel-default-devel" },
  { file: "sles-15", family: "suse", release: "5.14.21-850-default", hint: "zypper install kernel-default-devel" },
] as const;

describe("distributions", () => {
  it.each(cases)("$file is the $family family and gets its headers package in the hint", async ({ file, family, release, hint }) => {
    const os = await readOsRelease(fixture(file));
    expect(distroFamily(os)).toBe(family);
    expect(headersInstallHint(distroFamily(os), release)).toBe(hint);
  });

  it("reads pretty names, which kforge kernel fetch names when it refuses a non-Debian system", async () => {
    expect((await readOsRelease(fixture("fedora-40"))).prettyName).toBe("Fedora Linux 40 (Workstation Edition)");
    expect((await readOsRelease(fixture("opensuse-tumbleweed"))).idLike).toEqual(["opensuse", "suse"]);
  });

  it("falls back to a generic hint without an os-release file", async () => {
    const os = await readOsRelease(fixture("missing"));
    expect(distroFamily(os)).toBe("unknown");
    expect(headersInstallHint(distroFamily(os), "6.1.0-850-amd64")).toContain("install your distribution's kernel headers");
  });
});

describe("headers hint when no kernel has headers", () => {
  it("names the metapackage each Debian-family distribution really has", async () => {
    expect(anyHeadersInstallHint(await readOsRelease(fixture("debian-12")), "6.1.0-850-amd64")).toMatch(
      /^apt-get install linux-headers-amd64 /,
    );
    expect(anyHeadersInstallHint(await readOsRelease(fixture("ubuntu-24.04")), "6.8.0-850-generic")).toMatch(
      /^apt-get install linux-headers-generic /,
    );
    expect(anyHeadersInstallHint(await readOsRelease(fixture("fedora-40")), "6.9.850-200.fc40.x86_64")).toContain("dnf install");
  });
});
