// Debian package metadata as `kforge kernel fetch` reads it, from fields recorded off the real packages.
import { describe, expect, it } from "vitest";
import { headersDependencies, parseDepends, parsePackageName, releaseFromDepends } from "../../../src/kernel/debian/packages.js";
import { readFixture } from "../../helpers/fixtures.js";

const field = (text: string, name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(text)![1]!;

describe("Debian package metadata", () => {
  it("finds the -common headers and the linux-kbuild a flavour's headers depend on", () => {
    for (const fixture of ["kernel/debian/linux-headers-arm64.control", "kernel/debian/linux-headers-armmp-lpae.control"]) {
      const control = readFixture(fixture);
      const { common, kbuild } = headersDependencies(parseDepends(field(control, "Depends")));
      const version = field(control, "Version");
      expect(common).toEqual({ name: expect.stringMatching(/^linux-headers-6\.1\.0-\d+-common$/), version });
      expect(kbuild).toEqual({ name: "linux-kbuild-6.1", version });
    }
  });

  it("reads the release a meta package names, for headers and images", () => {
    const headers = parseDepends(field(readFixture("kernel/debian/linux-headers-arm64-meta.txt"), "Depends"));
    expect(releaseFromDepends("headers", headers)).toMatch(/^6\.1\.0-\d+-arm64$/);
    const image = parseDepends(field(readFixture("kernel/debian/linux-image-6.12-armmp-meta.txt"), "Depends"));
    expect(releaseFromDepends("image", image)).toMatch(/^6\.12\.\d+\+deb12-armmp$/);
    expect(releaseFromDepends("headers", image)).toBeUndefined();
  });

  it("keeps the first of alternatives and drops architecture qualifiers", () => {
    expect(parseDepends("kmod, initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, gcc-12:any")).toEqual([
      { name: "kmod", version: undefined },
      { name: "initramfs-tools", version: "0.120+deb8u2" },
      { name: "gcc-12", version: undefined },
    ]);
  });

  it("tells a meta package from a release's package and knows the architecture of its flavour", () => {
    expect(parsePackageName("linux-headers-arm64")).toEqual({ kind: "headers", release: undefined, debianArch: "arm64" });
    expect(parsePackageName("linux-image-6.12-armmp-lpae")).toEqual({ kind: "image", release: undefined, debianArch: "armhf" });
    expect(parsePackageName("linux-headers-6.1.0-850-arm64")).toEqual({ kind: "headers", release: "6.1.0-850-arm64", debianArch: "arm64" });
    expect(parsePackageName("linux-headers-generic")).toEqual({ kind: "headers", release: undefined, debianArch: undefined });
    expect(parsePackageName("6.1.0-850-arm64")).toBeUndefined();
  });
});
