// Downloads what a kernel of another architecture needs (its headers and their -common half, the image
// with its modules, a static busybox of that architecture) and this machine's kbuild helpers of the same
// version, into a work dir of kforge's. Nothing is installed: apt-get download only writes .deb files.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../../errors.js";
import { isAccessible } from "../../fs/files.js";
import type { RunResult } from "../../process/exec.js";
import type { Architecture } from "../architecture.js";
import { aptDownload, debField, downloadedDeb, dpkgArchitectures, installedVersion, lastLine, type AptOptions } from "./apt.js";
import { headersDependencies, parseDepends } from "./packages.js";

export interface KbuildChoice {
  package: string;
  version: string;
  // "host": this machine's installed package is linked; "fetched": the host-architecture package was unpacked.
  source: "host" | "fetched";
  // The installed helpers' dir (/usr/lib/linux-kbuild-6.1) when source is "host".
  hostDir: string | undefined;
}

export interface ForeignPackages {
  debs: string[];
  version: string;
  kbuild: KbuildChoice;
}

export async function downloadForeignPackages(
  release: string,
  architecture: Architecture,
  work: string,
  options: AptOptions,
): Promise<ForeignPackages> {
  const { native, foreign } = await dpkgArchitectures(options);
  if (native !== architecture.debian && !foreign.includes(architecture.debian)) {
    throw new EnvironmentError(
      `kernel ${release} is an ${architecture.debian} kernel, and apt on this machine does not fetch ${architecture.debian} packages`,
      `enable them once, as root (this installs nothing): dpkg --add-architecture ${architecture.debian} && apt-get update`,
    );
  }
  const headersName = `linux-headers-${release}`;
  const headers = await aptDownload([`${headersName}:${architecture.debian}`], work, options);
  if (headers.failed) throw notPublished(release, architecture, headers);
  const headersDeb = downloadedDeb(work, await readdir(work), headersName)!;
  const version = await debField(headersDeb, "Version", options);
  const { common, kbuild } = headersDependencies(parseDepends(await debField(headersDeb, "Depends", options)));
  if (!common || !kbuild) {
    throw new EnvironmentError(
      `${headersName} ${version} depends on no -common headers or linux-kbuild package, unlike Debian's headers`,
      "pass a build tree of your own with --kdir (and --cross-compile)",
    );
  }
  const kbuildChoice = await chooseKbuild(kbuild.name, version, native, work, options);
  const rest = await aptDownload(
    [
      `linux-image-${release}:${architecture.debian}`,
      `${common.name}=${common.version ?? version}`,
      `busybox-static:${architecture.debian}`,
    ],
    work,
    options,
  );
  if (rest.failed)
    throw new EnvironmentError(`apt-get download failed: ${lastLine(rest.stderr)}`, "run apt-get update, then kforge kernel fetch again");
  const debs = (await readdir(work)).filter((file) => file.endsWith(".deb")).sort();
  return { debs: debs.map((file) => join(work, file)), version, kbuild: kbuildChoice };
}

// This machine's own linux-kbuild when it is the headers' version, else that version fetched for this machine.
async function chooseKbuild(name: string, version: string, native: string, work: string, options: AptOptions): Promise<KbuildChoice> {
  const hostDir = join("/usr/lib", name);
  const installed = await installedVersion(`${name}:${native}`, options);
  if (installed === version && (await isAccessible(join(hostDir, "scripts", "basic", "fixdep"))))
    return { package: name, version, source: "host", hostDir };
  const fetched = await aptDownload([`${name}:${native}=${version}`], work, options);
  if (fetched.failed) {
    throw new EnvironmentError(
      `the tree's kbuild helpers are ${name} ${version}, built for another machine, and no ${native} ${name} ${version} can be fetched ` +
        `(${installed ? `this machine has ${installed}` : "none is installed"}; apt-get: ${lastLine(fetched.stderr)})`,
      `install it (apt-get install ${name}=${version}) or fetch the release Debian publishes now: ` +
        "kforge kernel fetch linux-headers-<flavour>",
    );
  }
  return { package: name, version, source: "fetched", hostDir: undefined };
}

function notPublished(release: string, architecture: Architecture, download: RunResult): EnvironmentError {
  const series = release.replace(/-[a-z][a-z0-9-]*$/, "");
  return new EnvironmentError(
    `Debian's ${architecture.debian} packages (as apt last saw them) have no linux-headers-${release}: ${lastLine(download.stderr)}`,
    `list the published ones with apt-cache search --names-only '^linux-headers-${series}-' (a newer release replaces an old one: ` +
      `kforge kernel fetch linux-headers-${release.slice(series.length + 1)} takes the current one), or run apt-get update`,
  );
}
