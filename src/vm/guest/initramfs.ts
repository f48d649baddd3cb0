// Assembles the guest's initramfs: static busybox and its applet links, /init and the agent, the
// project's modules, the in-tree modules they need, and test scripts. Only what the run needs, so
// the kernel unpacks it in milliseconds.
import { createHash, randomBytes } from "node:crypto";
import { open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EnvironmentError } from "../../errors.js";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { discardCacheFile, type Notice } from "../../fs/cache-file.js";
import { isAccessible, makeFolder } from "../../fs/files.js";
import { isProcessAlive } from "../../process/alive.js";
import { run, which } from "../../process/exec.js";
import { createCpioArchive, type CpioEntry } from "./cpio.js";
import { readModuleFile } from "./decompress.js";
import {
  createAgentScript,
  createInitScript,
  GUEST_BOOT_MODULE_DIR,
  GUEST_MODULE_DIR,
  GUEST_WORK_DIR,
  guestModuleName,
  guestModulePath,
  INITRAMFS_WHOLE_MARK,
} from "./init-script.js";
import type { InitramfsSize } from "./memory.js";
import { isElf64 } from "../qemu/pvh-note.js";

export interface InitramfsContent {
  // Host paths; each is placed at <GUEST_MODULE_DIR>/<file name> (decompressed).
  modules: string[];
  // Files copied into the guest's work directory (test scripts).
  files: string[];
  // Write a kernel log marker after each command (false when nobody reads the console: --shell).
  stepMarkers?: boolean;
  // In-tree modules /init loads before the agent starts, in this order (the 9p ones, vm/share/).
  bootModules?: string[];
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

export async function writeInitramfs(target: string, content: InitramfsContent, workDir: string): Promise<InitramfsSize> {
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
  let largestModuleBytes = 0;
  for (const module of content.modules) {
    const data = await readModuleFile(module, workDir);
    largestModuleBytes = Math.max(largestModuleBytes, data.length);
    entries.push({ kind: "file", path: guestModulePath(module), data });
  }
  for (const file of content.files) {
    entries.push({ kind: "file", path: `${GUEST_WORK_DIR}/${basename(file)}`, data: await readFile(file), mode: 0o755 });
  }
  if (content.bootModules?.length) entries.push({ kind: "directory", path: GUEST_BOOT_MODULE_DIR.slice(1) });
  for (const [index, module] of (content.bootModules ?? []).entries()) {
    const name = `${String(index).padStart(2, "0")}-${guestModuleName(module)}`;
    entries.push({ kind: "file", path: `${GUEST_BOOT_MODULE_DIR.slice(1)}/${name}`, data: await readModuleFile(module, workDir) });
  }
  entries.push({ kind: "file", path: INITRAMFS_WHOLE_MARK, data: Buffer.alloc(0) });
  const archive = createCpioArchive(entries);
  await writeFile(target, archive);
  return { bytes: archive.length, largestModuleBytes };
}

// The initramfs of a warm-start guest holds no project file, so it is the same for every run with
// the same busybox, agent and boot modules: kept in the cache, it costs no busybox --list and no
// archive per run. One cut short (a full disk) is made again; those of other agents or busybox
// builds are removed.
export async function cachedAgentInitramfs(env?: NodeJS.ProcessEnv, notice?: Notice, bootModules: string[] = []): Promise<string> {
  const path = await agentInitramfsPath(env, bootModules);
  if (await isAccessible(path)) {
    if (await isCompleteArchive(path)) return path;
    await discardCacheFile(path, "an archive cut short", notice);
  }
  await makeFolder(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeInitramfs(temp, { modules: [], files: [], bootModules }, dirname(path));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await removeOtherAgentInitramfs(env);
  return path;
}

// agent-<agent>.cpio, or agent-<agent>-<boot modules>.cpio: one per release that adds modules.
async function agentInitramfsPath(env?: NodeJS.ProcessEnv, bootModules: string[] = []): Promise<string> {
  const busybox = await findBusybox();
  const { size, mtimeMs } = await stat(busybox);
  const identity = [busybox, size, mtimeMs, createInitScript(), createAgentScript({ stepMarkers: true })].join("\n");
  const modules = await Promise.all(bootModules.map(async (path) => [path, (await stat(path)).size, (await stat(path)).mtimeMs].join(":")));
  const suffix = bootModules.length ? `-${shortHash(modules.join("\n"))}` : "";
  return join(kforgeCacheDir(env), "initramfs", `agent-${shortHash(identity)}${suffix}.cpio`);
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

// The archive's last entry is cpio's end marker: a file without it was cut short.
async function isCompleteArchive(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(size, 256));
    await handle.read(tail, 0, tail.length, size - tail.length);
    return tail.includes("TRAILER!!!");
  } finally {
    await handle.close();
  }
}

// The agent initramfs files of earlier agents or busybox builds (each change names a new file), and
// temp files of processes that died while writing one: nothing uses them again. The current one
// stays; without a static busybox none is current.
export async function removeOtherAgentInitramfs(env?: NodeJS.ProcessEnv): Promise<number> {
  const folder = join(kforgeCacheDir(env), "initramfs");
  const current = await agentInitramfsPath(env).catch(() => undefined);
  let removed = 0;
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const owner = /\.cpio\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
    const agent = /^(agent-[0-9a-f]+)(?:-[0-9a-f]+)?\.cpio$/.exec(name)?.[1];
    const unused = owner ? !isProcessAlive(Number(owner)) : agent !== undefined && join(folder, `${agent}.cpio`) !== current;
    if (!unused) continue;
    await rm(join(folder, name), { force: true });
    removed++;
  }
  return removed;
}
