// Pure: what kforge reads from Debian package metadata: dependency lists, meta package names and the
// package set of a release.
import { releaseArchitecture } from "../architecture.js";

export interface Dependency {
  name: string;
  // The version after `=`, `>=` ...; undefined when unversioned.
  version: string | undefined;
}

// `a (= 1.0), b (>= 2) | c, d:any` -> a, b, d (alternatives after the first are dropped).
export function parseDepends(text: string): Dependency[] {
  return text
    .split(",")
    .map((entry) => entry.split("|")[0]!.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*[<>=]+\s*([^)\s]+)\s*\))?/.exec(entry);
      return { name: match?.[1] ?? entry, version: match?.[2] };
    });
}

export interface PackageName {
  kind: "headers" | "image";
  // The release when the name is a release's own package (linux-headers-6.1.0-57-arm64).
  release: string | undefined;
  // The dpkg architecture to ask apt for, when the flavour says it (linux-headers-armmp -> armhf).
  debianArch: string | undefined;
}

// linux-headers-arm64, linux-image-6.12-armmp-lpae, linux-headers-6.1.0-57-arm64; undefined for a release name.
export function parsePackageName(name: string): PackageName | undefined {
  const match = /^linux-(headers|image)-(.+)$/.exec(name);
  if (!match) return undefined;
  const rest = match[2]!;
  const isRelease = /^\d+\.\d+\.\d+/.test(rest);
  const flavour = isRelease ? undefined : rest.replace(/^\d+\.\d+-/, "");
  const found = releaseArchitecture(isRelease ? rest : `0.0.0-0-${flavour}`);
  return {
    kind: match[1] as "headers" | "image",
    release: isRelease ? rest : undefined,
    debianArch: found.kind === "known" ? found.architecture.debian : undefined,
  };
}

// The release a meta package depends on: linux-headers-arm64 depends on linux-headers-6.1.0-57-arm64.
export function releaseFromDepends(kind: PackageName["kind"], depends: readonly Dependency[]): string | undefined {
  const prefix = `linux-${kind}-`;
  return depends
    .map((dependency) => dependency.name)
    .find((name) => name.startsWith(prefix) && /^\d+\.\d+\.\d+/.test(name.slice(prefix.length)))
    ?.slice(prefix.length);
}

export interface HeadersDependencies {
  // linux-headers-6.1.0-57-common: the arch-independent half of the tree.
  common: Dependency | undefined;
  // linux-kbuild-6.1: the helpers the tree's scripts link points at.
  kbuild: Dependency | undefined;
}

export function headersDependencies(depends: readonly Dependency[]): HeadersDependencies {
  return {
    common: depends.find((dependency) => /^linux-headers-.+-common(?:-rt)?$/.test(dependency.name)),
    kbuild: depends.find((dependency) => dependency.name.startsWith("linux-kbuild-")),
  };
}
