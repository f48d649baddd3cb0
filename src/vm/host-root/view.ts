// Pure: the host's userspace as a guest's test steps see it (vm.userspace "host"). The busybox guest
// and its agent stay in charge of the run (insmod, rmmod, the channel); the host's root filesystem is
// exported read-only over virtio-9p and assembled under GUEST_HOST_ROOT with the guest's own /proc,
// /sys and /dev, tmpfs where programs write, and the project dir (its own export, read-only unless
// vm.projectWritable) at its host path. Each test step then runs chrooted into that view: chroot is a
// busybox applet, costs no extra fork, and leaves the agent's root (its port, /tmp/output) untouched.
import { GUEST_ARTIFACTS_DIR, GUEST_HOST_ROOT } from "../guest/init-script.js";
import { quoteShell } from "../guest/protocol.js";
import type { PlannedStep } from "../plan.js";
import type { SharedFolder } from "../qemu/arguments.js";
import { MSIZE, NINE_P_TRANSPORT } from "../share/mount.js";

export const HOST_ROOT_TAG = "kforge-root";
export const PROJECT_TAG = "kforge-project";
// The steps' PATH: the host user's own (a pyenv shim under $HOME, say) would point into a tmpfs.
export const STEP_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Where HOME points when the host user has none.
const FALLBACK_HOME = "/tmp";

export interface HostRootView {
  // Absolute host path of the project dir: the steps' working dir, at the same path in the guest.
  projectDir: string;
  projectWritable: boolean;
  // The host folders that get a tmpfs (/tmp, /run, /var/tmp, $HOME): the ones that exist here.
  tmpfs: string[];
  // The host user's HOME, the steps' HOME.
  home?: string;
}

export interface GuestMount {
  spec: string;
  target: string;
  type: string;
  options: string;
}

const NINE_P = `${NINE_P_TRANSPORT},msize=${MSIZE}`;

export function hostRootFolders(view: HostRootView): SharedFolder[] {
  return [
    { tag: HOST_ROOT_TAG, path: "/" },
    { tag: PROJECT_TAG, path: view.projectDir, ...(view.projectWritable ? { writable: true } : {}) },
  ];
}

// In mount order, targets relative to the view's root. The root is cached (cache=loose: a host's
// programs and libraries are read again and again); the project is not, so a guest that stays up
// (watch) sees what the host rebuilt.
export function hostRootMounts(view: HostRootView): GuestMount[] {
  return [
    { spec: HOST_ROOT_TAG, target: "/", type: "9p", options: `${NINE_P},ro,cache=loose` },
    { spec: "proc", target: "/proc", type: "proc", options: "nosuid,nodev,noexec" },
    { spec: "sysfs", target: "/sys", type: "sysfs", options: "nosuid,nodev,noexec" },
    { spec: "devtmpfs", target: "/dev", type: "devtmpfs", options: "nosuid" },
    { spec: "devpts", target: "/dev/pts", type: "devpts", options: "nosuid,noexec" },
    { spec: "tmpfs", target: "/dev/shm", type: "tmpfs", options: "nosuid,nodev,mode=1777" },
    ...view.tmpfs.map((target) => ({ spec: "tmpfs", target, type: "tmpfs", options: `nosuid,nodev,mode=${tmpfsMode(target, view)}` })),
    { spec: PROJECT_TAG, target: view.projectDir, type: "9p", options: `${NINE_P},${view.projectWritable ? "rw" : "ro"}` },
    // The agent copies $KFORGE_ARTIFACTS back from its own root (vm/artifacts/): the steps write into
    // that same dir through a bind mount, at the same path, over the view's /tmp.
    ...(view.tmpfs.includes("/tmp") ? [{ spec: GUEST_ARTIFACTS_DIR, target: GUEST_ARTIFACTS_DIR, type: "none", options: "bind" }] : []),
  ];
}

const tmpfsMode = (target: string, view: HostRootView) => (target === view.home ? "0700" : target === "/run" ? "0755" : "1777");

// The guest command that assembles the view: `mount -a` over an fstab per stage costs one fork for
// all of a stage's mounts (each fork costs tens of milliseconds under TCG). A stage's mount points lie
// inside the previous stage's tmpfs (the project under /tmp, say), so they are made just before it.
// `alongside` (a warm start's file share mount) runs first in the same command, one agent round trip
// less after a restore: its failure leaves the view mounted and ends the command with ALONGSIDE_FAILED.
export function hostRootMountCommand(view: HostRootView, alongside?: string): string {
  const stages = mountStages(hostRootMounts(view));
  const commands = stages.map((mounts, index) => {
    const fstab = `${GUEST_HOST_ROOT}.${index}.fstab`;
    const lines = mounts.map((mount) => quoteShell(fstabLine(mount)));
    // The first stage's mount points were made at boot (guest/init-script.ts).
    const create = index === 0 ? "" : `mkdir -p ${mounts.map((mount) => quoteShell(guestPath(mount.target))).join(" ")} && `;
    return `${create}printf '%s\\n' ${lines.join(" ")} > ${fstab} && mount -a -T ${fstab}`;
  });
  const assemble = commands.join(" && ");
  return alongside
    ? `{ ${alongside}; } || alongside=failed; ${assemble} || exit; [ -z "$alongside" ] || exit ${ALONGSIDE_FAILED}`
    : assemble;
}

export const ALONGSIDE_FAILED = 98;

// Stage n holds the mounts inside n of the list's tmpfs targets; the guest's devtmpfs is the one
// mounted at boot, where /dev/pts and /dev/shm are made first.
export function mountStages(mounts: GuestMount[]): GuestMount[][] {
  const tmpfs = mounts.filter((mount) => mount.type === "tmpfs" && !mount.target.startsWith("/dev/"));
  const depth = (mount: GuestMount) => tmpfs.filter((outer) => isInside(mount.target, outer.target)).length;
  const depths = mounts.map(depth);
  return [...new Set(depths)].sort((left, right) => left - right).map((level) => mounts.filter((_mount, index) => depths[index] === level));
}

const isInside = (path: string, folder: string) => folder !== "/" && path.startsWith(`${folder}/`);

const guestPath = (target: string) => (target === "/" ? GUEST_HOST_ROOT : `${GUEST_HOST_ROOT}${target}`);

// fstab fields are separated by blanks: getmntent reads these four octal escapes back.
const escapeFstab = (text: string) =>
  text.replace(/[\\ \t\n]/g, (character) => `\\${character.charCodeAt(0).toString(8).padStart(3, "0")}`);

const fstabLine = (mount: GuestMount) =>
  [mount.spec, guestPath(mount.target), mount.type, mount.options, "0", "0"].map(escapeFstab).join(" ");

// The test steps (vm.test, then --exec), each run by the host's /bin/sh inside the view, in the
// project dir: an entry is a command as it would be typed there (`./tests/run.sh`), never a file
// copied into the guest, since the project is there.
export function hostRootTests(entries: string[], view: HostRootView): PlannedStep[] {
  return entries.map((entry) => {
    const script = `cd ${quoteShell(view.projectDir)} || exit 125\n${entry}`;
    // exec: the agent's subshell becomes chroot, then the host's sh (a fork less, tens of ms under TCG).
    const environment = `export HOME=${quoteShell(view.home ?? FALLBACK_HOME)} PATH=${STEP_PATH}`;
    const viaShell = `exec chroot ${GUEST_HOST_ROOT} /bin/sh -c ${quoteShell(script)}`;
    const program = plainProgram(entry, view.projectDir);
    return {
      name: entry,
      kind: "exec",
      command: `${environment}; ${program ? `${direct(entry, program, view.projectDir)}; ` : ""}${viaShell}`,
    };
  });
}

// An entry that is one program named by its path, with plain words (`./client`, `tests/run -v 3`):
// what the shell would do with it is to exec it in the project dir, which busybox's nsenter does
// without the host's sh, one dynamically linked exec less (80-140 ms under TCG). Its guest path,
// or undefined for any other entry (a builtin, a PATH lookup, quotes, expansions: the shell's job).
const PLAIN_WORD = "[\\w./,:+@%-]";
const PLAIN_PROGRAM = new RegExp(`^((?!-)${PLAIN_WORD}*/${PLAIN_WORD}*)(?: +[\\w./,:=+@%-]+)*$`);

function plainProgram(entry: string, projectDir: string): string | undefined {
  const path = PLAIN_PROGRAM.exec(entry)?.[1];
  if (!path) return undefined;
  return `${GUEST_HOST_ROOT}${path.startsWith("/") ? path : `${projectDir}/${path}`}`;
}

// Only a regular executable file goes this way, so that a missing one is reported in the shell's
// words; PWD and OLDPWD are what the shell's cd would have exported (OLDPWD: chroot's /).
function direct(entry: string, program: string, projectDir: string): string {
  const inView = quoteShell(`${GUEST_HOST_ROOT}${projectDir}`);
  return (
    `if [ -f ${quoteShell(program)} ] && [ -x ${quoteShell(program)} ]; then export PWD=${quoteShell(projectDir)} OLDPWD=/; ` +
    `exec nsenter -r${GUEST_HOST_ROOT} -w${inView} -- ${entry}; fi`
  );
}
