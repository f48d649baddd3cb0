// The Debian tools `kforge kernel fetch` runs, none of which changes the system: apt-get download (into
// kforge's own dir), dpkg-deb -x/-f, apt-cache show, dpkg-query and dpkg --print-*architecture*.
import { join } from "node:path";
import { EnvironmentError, InterruptedError } from "../../errors.js";
import { run, type RunResult } from "../../process/exec.js";

export interface AptOptions {
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

// The last error line of a tool (apt's W: warnings, such as running unsandboxed as root, are noise).
export const lastLine = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => !line.startsWith("W:"))
    .pop() ?? "no output";

// The result, or an error saying which command failed (or that the tool is missing).
export function checked(result: RunResult, what: string, hint = "run the command by hand to see the whole error"): RunResult {
  if (result.canceled) throw new InterruptedError();
  if (result.notFound)
    throw new EnvironmentError(`${what}: the program is not installed`, "kforge kernel fetch needs apt-get and dpkg (Debian, Ubuntu)");
  if (result.failed) throw new EnvironmentError(`${what} failed: ${lastLine(result.stderr || result.stdout)}`, hint);
  return result;
}

// apt-get download of each name (name, name:arch, name=version) into dir; the failed result is returned.
export async function aptDownload(names: readonly string[], dir: string, options: AptOptions): Promise<RunResult> {
  options.onProgress?.(`apt-get download ${names.join(" ")}`);
  const result = await run("apt-get", ["download", ...names], { cwd: dir, signal: options.signal });
  if (result.canceled) throw new InterruptedError();
  return result;
}

export async function debField(deb: string, field: string, options: AptOptions): Promise<string> {
  return checked(await run("dpkg-deb", ["-f", deb, field], { signal: options.signal }), `dpkg-deb -f ${deb}`).stdout.trim();
}

export async function unpackDeb(deb: string, root: string, options: AptOptions): Promise<void> {
  options.onProgress?.(`unpacking ${deb.split("/").pop()}`);
  checked(await run("dpkg-deb", ["-x", deb, root], { signal: options.signal }), `dpkg-deb -x ${deb}`);
}

// apt-cache show's Depends line of the candidate version, or undefined when apt knows no such package.
export async function aptDepends(name: string, options: AptOptions): Promise<string | undefined> {
  const result = await run("apt-cache", ["show", "--no-all-versions", name], { signal: options.signal });
  if (result.canceled) throw new InterruptedError();
  if (result.failed) return undefined;
  return /^Depends:\s*(.*)$/m.exec(result.stdout)?.[1] ?? "";
}

// The installed version of a package (name:arch), or undefined.
export async function installedVersion(name: string, options: AptOptions): Promise<string | undefined> {
  const result = await run("dpkg-query", ["-W", "-f", "${Status}\t${Version}", name], { signal: options.signal });
  if (result.failed) return undefined;
  const [status, version] = result.stdout.split("\t");
  return status?.endsWith(" installed") ? version : undefined;
}

// dpkg's own architecture and the foreign ones apt fetches package lists for.
export async function dpkgArchitectures(options: AptOptions): Promise<{ native: string; foreign: string[] }> {
  const native = checked(await run("dpkg", ["--print-architecture"], { signal: options.signal }), "dpkg --print-architecture");
  const foreign = checked(
    await run("dpkg", ["--print-foreign-architectures"], { signal: options.signal }),
    "dpkg --print-foreign-architectures",
  );
  return { native: native.stdout.trim(), foreign: foreign.stdout.split(/\s+/).filter(Boolean) };
}

// The .deb apt-get download left in dir for a package name.
export const downloadedDeb = (dir: string, files: readonly string[], name: string): string | undefined => {
  const file = files.find((candidate) => candidate.startsWith(`${name}_`) && candidate.endsWith(".deb"));
  return file === undefined ? undefined : join(dir, file);
};
