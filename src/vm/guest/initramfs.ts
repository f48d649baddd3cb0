// Assembles the guest's initramfs: static busybox and its applet links, /init and the agent, the
// project's modules, the in-tree modules they need, and test scripts. Only what the run needs, so
// the kernel unpacks it in milliseconds.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { EnvironmentError } from "../../errors.js";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { isAccessible } from "../../fs/files.js";
import { run, which } from "../../process/exec.js";
import { createCpioArchive, type CpioEntry } from "./cpio.js";
import { readModuleFile } from "./decompress.js";
import { createAgentScript, createInitScript, GUEST_MODULE_DIR, GUEST_WORK_DIR } from "./init-script.js";
import { isElf64 } from "../qemu/pvh-note.js";

export interface InitramfsContent {
  // Host paths; each is placed at <GUEST_MODULE_DIR>/<file name> (decompressed).
  modules: string[];
  // Files copied into the guest's work directory (test scripts).
  files: string[];
  // Write a kernel log marker after each command (false when nobody reads the console: --shell).
  stepMarkers?: boolean;
}

const DIRECTORIES = ["bin", "sbin", "proc", "sys", "dev", "tmp", "run", "kforge", GUEST_MODULE_DIR, GUEST_WORK_DIR];

export async function findBusybox(): Promise<string> {
  const path = (await which("busybox")) ?? "/bin/busybox";
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes)
    throw new EnvironmentError(
      "busybox is not installed; the guest's userspace is a static busybox",
      "apt-get install busybox-static (or your distribution's static busybox)",
    );
  if (!isElf64(bytes) || hasInterpreter(bytes)) {
    throw new EnvironmentError(
      `${path} is not a static busybox; the guest has no shared libraries`,
      "install the static build: apt-get install busybox-static",
    );
  }
  return path;
}

// A dynamically linked ELF has a PT_INTERP (3) program header.
function hasInterpreter(bytes: Buffer): boolean {
  const offset = Number(bytes.readBigUInt64LE(0x20));
  const size = bytes.readUInt16LE(0x36);
  for (let index = 0; index < bytes.readUInt16LE(0x38); index++) {
    if (bytes.readUInt32LE(offset + index * size) === 3) return true;
  }
  return false;
}

export async function writeInitramfs(target: string, content: InitramfsContent, workDir: string): Promise<void> {
  const busybox = await findBusybox();
  const applets = (await run(busybox, ["--list"])).stdout.split("\n").filter((name) => /^[\w.[-]+$/.test(name) && name !== "busybox");
  const entries: CpioEntry[] = DIRECTORIES.map((path) => ({ kind: "directory", path }));
  entries.push({ kind: "char-device", path: "dev/console", major: 5, minor: 1 });
  entries.push({ kind: "file", path: "bin/busybox", data: await readFile(busybox), mode: 0o755 });
  for (const applet of applets) entries.push({ kind: "symlink", path: `bin/${applet}`, target: "busybox" });
  entries.push({ kind: "file", path: "init", data: Buffer.from(createInitScript()), mode: 0o755 });
  entries.push({
    kind: "file",
    path: "kforge/agent.sh",
    data: Buffer.from(createAgentScript({ stepMarkers: content.stepMarkers ?? true })),
  });
  for (const module of content.modules) {
    const name = basename(module).replace(/\.(xz|zst|gz)$/, "");
    entries.push({ kind: "file", path: `${GUEST_MODULE_DIR}/${name}`, data: await readModuleFile(module, workDir) });
  }
  for (const file of content.files) {
    entries.push({ kind: "file", path: `${GUEST_WORK_DIR}/${basename(file)}`, data: await readFile(file), mode: 0o755 });
  }
  await writeFile(target, createCpioArchive(entries));
}

// The initramfs of a warm-start guest holds no project file, so it is the same for every run with
// the same busybox and agent: kept in the cache, it costs no busybox --list and no archive per run.
export async function cachedAgentInitramfs(env?: NodeJS.ProcessEnv): Promise<string> {
  const busybox = await findBusybox();
  const { size, mtimeMs } = await stat(busybox);
  const identity = [busybox, size, mtimeMs, createInitScript(), createAgentScript({ stepMarkers: true })].join("\n");
  const dir = join(kforgeCacheDir(env), "initramfs");
  const path = join(dir, `agent-${createHash("sha256").update(identity).digest("hex").slice(0, 16)}.cpio`);
  if (await isAccessible(path)) return path;
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeInitramfs(temp, { modules: [], files: [] }, dir);
  await rename(temp, path);
  return path;
}
