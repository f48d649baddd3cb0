// The host userspace's view, pure (run for real in guests by test/vm/vm-host-userspace.test.ts).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ALONGSIDE_FAILED,
  HOST_ROOT_TAG,
  PROJECT_TAG,
  hostRootFolders,
  hostRootMountCommand,
  hostRootMounts,
  hostRootTests,
  mountStages,
  type HostRootView,
} from "../../../src/vm/host-root/view.js";

const view = (projectDir: string, extra: Partial<HostRootView> = {}): HostRootView => ({
  projectDir,
  projectWritable: false,
  tmpfs: ["/tmp", "/run", "/var/tmp", "/root"],
  home: "/root",
  ...extra,
});

const targets = (stages: ReturnType<typeof mountStages>) => stages.map((stage) => stage.map((mount) => mount.target));

describe("hostRootFolders", () => {
  it("exports the host root read-only and the project dir, writable only with projectWritable", () => {
    expect(hostRootFolders(view("/work/project"))).toEqual([
      { tag: HOST_ROOT_TAG, path: "/" },
      { tag: PROJECT_TAG, path: "/work/project" },
    ]);
    expect(hostRootFolders(view("/work/project", { projectWritable: true }))[1]).toEqual({
      tag: PROJECT_TAG,
      path: "/work/project",
      writable: true,
    });
  });
});

describe("mountStages", () => {
  it("mounts what exists on the host at once, and a project inside a tmpfs after it", () => {
    expect(targets(mountStages(hostRootMounts(view("/work/project"))))).toEqual([
      ["/", "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/tmp", "/run", "/var/tmp", "/root", "/work/project"],
      ["/tmp/kforge-artifacts"],
    ]);
    expect(targets(mountStages(hostRootMounts(view("/root/project"))))).toEqual([
      ["/", "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/tmp", "/run", "/var/tmp", "/root"],
      ["/root/project", "/tmp/kforge-artifacts"],
    ]);
  });

  it("binds the agent's $KFORGE_ARTIFACTS over the view's /tmp at the same path, and only over a /tmp tmpfs", () => {
    const bind = { spec: "/tmp/kforge-artifacts", target: "/tmp/kforge-artifacts", type: "none", options: "bind" };
    expect(hostRootMounts(view("/work/project"))).toContainEqual(bind);
    expect(hostRootMounts(view("/work/project", { tmpfs: ["/run"] }))).not.toContainEqual(bind);
  });

  it("nests as deep as the folders do: a HOME under /tmp holding the project", () => {
    const nested = view("/tmp/home/project", { tmpfs: ["/tmp", "/tmp/home"], home: "/tmp/home" });
    expect(targets(mountStages(hostRootMounts(nested)))).toEqual([
      ["/", "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/tmp"],
      ["/tmp/home", "/tmp/kforge-artifacts"],
      ["/tmp/home/project"],
    ]);
  });
});

describe("hostRootMountCommand", () => {
  it("writes one fstab per stage, making the later stages' mount points first (the first's are made at boot)", () => {
    const command = hostRootMountCommand(view("/root/my project", { projectWritable: true }));
    expect(command).toMatch(/^printf '%s\\n' 'kforge-root /);
    expect(command).toContain("'kforge-root /kforge/host 9p trans=virtio,version=9p2000.L,msize=524288,ro,cache=loose 0 0'");
    expect(command).toContain("'tmpfs /kforge/host/root tmpfs nosuid,nodev,mode=0700 0 0'");
    // A blank in a path is fstab's field separator: written as getmntent's octal escape.
    expect(command).toContain(
      "mkdir -p '/kforge/host/root/my project' /kforge/host/tmp/kforge-artifacts && printf '%s\\n' " +
        "'kforge-project /kforge/host/root/my\\040project 9p trans=virtio,version=9p2000.L,msize=524288,rw 0 0' " +
        "'/tmp/kforge-artifacts /kforge/host/tmp/kforge-artifacts none bind 0 0' " +
        "> /kforge/host.1.fstab && mount -a -T /kforge/host.1.fstab",
    );
  });
});

describe("hostRootMountCommand with a command alongside", () => {
  const root = mkdtempSync(join(tmpdir(), "kforge-host-root-mount-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Run by sh in a folder standing in for the guest's root, with a stand-in mount that logs its
  // fstabs and exits with $MOUNT_STATUS.
  const run = (alongside: string, mountStatus: number) => {
    const bin = join(root, "bin");
    execFileSync("mkdir", ["-p", bin]);
    writeFileSync(join(bin, "mount"), `#!/bin/sh\necho "mount $3" >> ${root}/mounts.log\nexit $MOUNT_STATUS\n`, { mode: 0o755 });
    rmSync(join(root, "mounts.log"), { force: true });
    const command = hostRootMountCommand(view("/work/project"), alongside).replaceAll("/kforge/", `${root}/kforge/`);
    execFileSync("mkdir", ["-p", `${root}/kforge/host`]);
    const result = spawnSync("sh", ["-c", command], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin`, MOUNT_STATUS: String(mountStatus) },
    });
    return { status: result.status, mounts: spawnSync("cat", [join(root, "mounts.log")], { encoding: "utf8" }).stdout };
  };

  it("runs it first, assembles the view whatever it did, and tells its failure apart from the view's", () => {
    expect(hostRootMountCommand(view("/work/project"), "share")).toMatch(/^\{ share; \} \|\| /);
    expect(run("true", 0)).toEqual({ status: 0, mounts: `mount ${root}/kforge/host.0.fstab\nmount ${root}/kforge/host.1.fstab\n` });
    expect(run("false", 0)).toEqual({
      status: ALONGSIDE_FAILED,
      mounts: `mount ${root}/kforge/host.0.fstab\nmount ${root}/kforge/host.1.fstab\n`,
    });
    // The view's own failure is the mount's status, whatever the command alongside did.
    expect(run("false", 32)).toEqual({ status: 32, mounts: `mount ${root}/kforge/host.0.fstab\n` });
    expect(run("true", 32).status).toBe(32);
  });
});

describe("hostRootTests", () => {
  const root = mkdtempSync(join(tmpdir(), "kforge-host-root-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("runs each entry with the host's sh in the project dir, chrooted into the view, quoting intact", () => {
    const project = join(root, "it's here");
    execFileSync("mkdir", ["-p", project]);
    const entry = `printf '%s|%s\\n' "$PWD" "it's"`;
    const [step] = hostRootTests([entry], view(project));
    expect(step).toMatchObject({ name: entry, kind: "exec" });
    // A stand-in for the guest's chroot prints the words and environment it gets (the step sets PATH
    // itself, so it is named by its path).
    const chroot = join(root, "chroot");
    writeFileSync(chroot, `#!/bin/sh\nprintf '%s\\0' "$@"; printf '%s\\0' "$HOME" "$PATH" >&2\n`, { mode: 0o755 });
    expect(step!.command).toContain("; exec chroot /kforge/host /bin/sh -c ");
    const run = spawnSync("sh", ["-c", step!.command.replace("exec chroot", `exec ${chroot}`)], { encoding: "utf8" });
    const words = run.stdout.split("\0");
    expect(words.slice(0, 3)).toEqual(["/kforge/host", "/bin/sh", "-c"]);
    expect(execFileSync("sh", ["-c", words[3]!], { encoding: "utf8" })).toBe(`${project}|it's\n`);
    expect(run.stderr.split("\0").slice(0, 2)).toEqual(["/root", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
  });

  it("execs an entry that is one program by its path with busybox's nsenter, no sh, when it is an executable file", () => {
    const project = join(root, "nsenter's project");
    const view_ = view(project);
    // A stand-in for the view: the step tests the program's guest path (/kforge/host/<project>/...).
    const guestRoot = join(root, "guest");
    execFileSync("mkdir", ["-p", join(guestRoot, project, "tests")]);
    writeFileSync(join(guestRoot, project, "tests", "run"), "", { mode: 0o755 });
    writeFileSync(join(guestRoot, project, "data"), "", { mode: 0o644 });
    const nsenter = join(root, "nsenter");
    // Not a shell script: a shell would reset PWD to its own directory.
    const printEnvironment =
      "const { PWD, OLDPWD, HOME } = process.env; console.log(JSON.stringify([process.argv.slice(2), PWD, OLDPWD, HOME]))";
    writeFileSync(nsenter, `#!${process.execPath}\n${printEnvironment}\n`, { mode: 0o755 });
    const chroot = join(root, "chroot-stand-in");
    writeFileSync(chroot, "#!/bin/sh\necho chroot\n", { mode: 0o755 });
    const run = (entry: string) => {
      const command = hostRootTests([entry], view_)[0]!.command;
      const local = command.replaceAll("[ -f /kforge/host", `[ -f ${guestRoot}`).replaceAll("[ -x /kforge/host", `[ -x ${guestRoot}`);
      const quoted = local.replaceAll("[ -f '/kforge/host", `[ -f '${guestRoot}`).replaceAll("[ -x '/kforge/host", `[ -x '${guestRoot}`);
      return spawnSync("sh", ["-c", quoted.replace("exec nsenter", `exec ${nsenter}`).replace("exec chroot", `exec ${chroot}`)], {
        encoding: "utf8",
      });
    };
    // PWD and OLDPWD: what the host's sh would have exported after its cd from chroot's /.
    expect(JSON.parse(run("tests/run -v a=b").stdout)).toEqual([
      ["-r/kforge/host", `-w/kforge/host${project}`, "--", "tests/run", "-v", "a=b"],
      project,
      "/",
      "/root",
    ]);
    // Not an executable file (so the shell's own words report it), or not one program by its path: the shell.
    for (const entry of [
      "./data",
      "./missing",
      "tests",
      "run",
      "FOO=1 tests/run",
      "tests/run; true",
      'tests/run "a"',
      "tests/run $X",
      "-x/run",
    ]) {
      expect(run(entry).stdout, entry).toBe("chroot\n");
    }
  });
});
