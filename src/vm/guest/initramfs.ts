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
  GUEST_HOST_ROOT,
  GUEST_SHARE_DIR,
  GUEST_WORK_DIR,
  guestModuleName,
  guestModulePath,
  INITRAMFS_WHOLE_MARK,
  type InitOptions,
} from "./init-script.js";
import type { InitramfsSize } from "./memory.js";
import type { GuestUserspace } from "./userspace.js";
import { isElf64 } from "../qemu/pvh-note.js";

export interface InitramfsContent {
  // Host paths; each is placed at <GUEST_MODULE_DIR>/<file name> (decompressed).
  modules: string[];
  // Files copied into the guest's work directory (test scripts).
  files: string[];
  // Write a kernel log marker after each command (false when nobody reads the console: --shell).
  stepMarkers?: boolean;
  // The guest's busybox, port and boot modules when it is not an x86_64 guest on this machine's busybox.
  userspace?: GuestUserspace;
}

const DIRECTORIES = [
  "bin",
  "sbin",
  "proc",
  "sys",
  "dev",
  "tmp",
  "run",
  "kforge",
  GUEST_MODULE_DIR,
  GUEST_WORK_DIR,
  GUEST_SHARE_DIR,
  GUEST_HOST_ROOT,
];

// This machine's, or the guest architecture's at `given`.
export async function findBusybox(given?: string): Promise<string> {
  const path = given ?? (await which("busybox")) ?? "/bin/busybox";
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes)
    throw new EnvironmentError(
      "busybox is not installed; the guest's userspace is a static busybox",
      "apt-get install busybox-static (or your distribution's static busybox)",
    );
  if (!isStaticElf(bytes)) {
    throw new EnvironmentError(
      `${path} is not a static busybox; the guest has no shared libraries`,
      "install the static build: apt-get install busybox-static",
    );
  }
  return path;
}

// A little-endian ELF program (64-bit, or 32-bit for an armhf guest) without a PT_INTERP (3) program
// header: a dynamically linked one has it.
function isStaticElf(bytes: Buffer): boolean {
  const is32 = bytes.length > 52 && bytes.readUInt32BE(0) === 0x7f454c46 && bytes[4] === 1 && bytes[5] === 1;
  if (!is32 && !isElf64(bytes)) return false;
  const offset = is32 ? bytes.readUInt32LE(0x1c) : Number(bytes.readBigUInt64LE(0x20));
  const size = bytes.readUInt16LE(is32 ? 0x2a : 0x36);
  const count = bytes.readUInt16LE(is32 ? 0x2c : 0x38);
  for (let index = 0; index < count; index++) {
    if (bytes.readUInt32LE(offset + index * size) === 3) return false;
  }
  return true;
}

export async function writeInitramfs(target: string, content: InitramfsContent, workDir: string): Promise<InitramfsSize> {
  const userspace = content.userspace;
  const busybox = await findBusybox(userspace?.busybox);
  // A busybox of another architecture cannot run here to list its applets: /init links them (init-script.ts).
  const applets = userspace?.busybox
    ? ["sh"]
    : (await run(busybox, ["--list"])).stdout.split("\n").filter((name) => /^[\w.[-]+$/.test(name) && name !== "busybox");
  const entries: CpioEntry[] = DIRECTORIES.map((path) => ({ kind: "directory", path }));
  entries.push({ kind: "char-device", path: "dev/console", major: 5, minor: 1 });
  entries.push({ kind: "file", path: "bin/busybox", data: await readFile(busybox), mode: 0o755 });
  for (const applet of applets) entries.push({ kind: "symlink", path: `bin/${applet}`, target: "busybox" });
  if (userspace?.bootModules.length) entries.push({ kind: "directory", path: GUEST_BOOT_MODULE_DIR.slice(1) });
  for (const module of userspace?.bootModules ?? []) {
    const data = await readModuleFile(module, workDir);
    entries.push({ kind: "file", path: `${GUEST_BOOT_MODULE_DIR.slice(1)}/${guestModuleName(module)}`, data });
  }
  entries.push({ kind: "file", path: "init", data: Buffer.from(createInitScript(initOptions(userspace))), mode: 0o755 });
  entries.push({
    kind: "file",
    path: "kforge/agent.sh",
    data: Buffer.from(createAgentScript(agentOptions(userspace, content.stepMarkers ?? true))),
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
  entries.push({ kind: "file", path: INITRAMFS_WHOLE_MARK, data: Buffer.alloc(0) });
  const archive = createCpioArchive(entries);
  await writeFile(target, archive);
  return { bytes: archive.length, largestModuleBytes };
}

const initOptions = (userspace: GuestUserspace | undefined): InitOptions => ({
  linkApplets: userspace?.busybox !== undefined,
  bootModules: userspace?.bootModules.map(guestModuleName),
  agentPort: userspace?.agentPort,
});

const agentOptions = (userspace: GuestUserspace | undefined, stepMarkers: boolean) => ({
  stepMarkers,
  agentPort: userspace?.agentPort,
  agentPortIsTty: userspace?.agentPortIsTty,
});

// The initramfs of a warm-start guest holds no project file, so it is the same for every run with
// the same busybox and agent: kept in the cache, it costs no busybox --list and no archive per run.
// One cut short (a full disk) is made again; those of other agents or busybox builds are removed.
export async function cachedAgentInitramfs(env?: NodeJS.ProcessEnv, notice?: Notice, userspace?: GuestUserspace): Promise<string> {
  const path = await agentInitramfsPath(env, userspace);
  if (await isAccessible(path)) {
    if (await isCompleteArchive(path)) return path;
    await discardCacheFile(path, "an archive cut short", notice);
  }
  await makeFolder(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeInitramfs(temp, { modules: [], files: [], userspace }, dirname(path));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await removeOtherAgentInitramfs(env, userspace);
  return path;
}

// Named <cacheName>-<agent>[-<boot modules>].cpio. <agent> hashes the busybox (path, size, time), the
// scripts as they are without boot modules and the directories; <boot modules> hashes those modules' paths, sizes and times
// (which also decide /init's insmod lines). Releases whose boot modules differ share <agent>, each with
// a file of its own.
async function agentInitramfsName(userspace?: GuestUserspace): Promise<{ agent: string; name: string }> {
  const stamp = async (path: string) => {
    const { size, mtimeMs } = await stat(path);
    return [path, size, mtimeMs].join(" ");
  };
  const busybox = await stamp(await findBusybox(userspace?.busybox));
  const withoutModules = userspace && { ...userspace, bootModules: [] };
  const scripts = [createInitScript(initOptions(withoutModules)), createAgentScript(agentOptions(withoutModules, true))];
  const agent = shortHash([busybox, ...scripts, DIRECTORIES.join(" ")].join("\n"));
  const modules = userspace?.bootModules.length ? `-${shortHash((await Promise.all(userspace.bootModules.map(stamp))).join("\n"))}` : "";
  return { agent, name: `${userspace?.cacheName ?? "agent"}-${agent}${modules}.cpio` };
}

async function agentInitramfsPath(env?: NodeJS.ProcessEnv, userspace?: GuestUserspace): Promise<string> {
  return join(kforgeCacheDir(env), "initramfs", (await agentInitramfsName(userspace)).name);
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
// stays; without a static busybox none is current. Those of another guest userspace (a release of
// another architecture: its cacheName) are that one's to remove.
export async function removeOtherAgentInitramfs(env?: NodeJS.ProcessEnv, userspace?: GuestUserspace): Promise<number> {
  const folder = join(kforgeCacheDir(env), "initramfs");
  const current = await agentInitramfsName(userspace).catch(() => undefined);
  const prefix = `${userspace?.cacheName ?? "agent"}-`;
  // Another agent of this userspace: any release's file, since the agent changed for all of them.
  const olderAgent = (file: string) => {
    const agent = file.startsWith(prefix) ? /^([0-9a-f]{16})(?:-[0-9a-f]{16})?\.cpio$/.exec(file.slice(prefix.length))?.[1] : undefined;
    return agent !== undefined && agent !== current?.agent;
  };
  let removed = 0;
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const owner = /\.cpio\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
    const unused = owner ? !isProcessAlive(Number(owner)) : olderAgent(name);
    if (!unused) continue;
    await rm(join(folder, name), { force: true });
    removed++;
  }
  return removed;
}
