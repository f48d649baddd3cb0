// The baseline of the VM benchmarks: the obvious hand-made setup a developer writes, a busybox whose
// /init links its applets, insmods the module, shows /proc/modules, rmmods it and powers off, in a
// gzip'd cpio made by the cpio tool; and a timer for one command run to its end.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

// Writes <work>/initrd-<name>.gz holding busybox and the module; returns its path.
export function handMadeInitrd({ work, name, busybox, module }) {
  const rootfs = join(work, `rootfs-${name}`);
  for (const directory of ["bin", "proc", "sys", "dev"]) mkdirSync(join(rootfs, directory), { recursive: true });
  cpSync(busybox, join(rootfs, "bin/busybox"));
  cpSync(module, join(rootfs, basename(module)));
  const moduleName = basename(module, ".ko");
  writeFileSync(
    join(rootfs, "init"),
    "#!/bin/busybox sh\n/bin/busybox --install -s /bin\nmount -t proc proc /proc\n" +
      `mount -t sysfs sys /sys\ninsmod /${basename(module)}\ncat /proc/modules\nrmmod ${moduleName}\npoweroff -f\n`,
  );
  chmodSync(join(rootfs, "init"), 0o755);
  const initrd = join(work, `initrd-${name}.gz`);
  execFileSync("sh", ["-c", `cd ${rootfs} && find . | cpio -o -H newc 2>/dev/null | gzip > ${initrd}`]);
  return initrd;
}

// Runs a command to its end (or the time limit): its milliseconds, exit status and output.
export function timedRun(file, args, { env = {}, timeoutMs = 180_000 } = {}) {
  const started = performance.now();
  const result = spawnSync(file, args, {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, ...env },
  });
  return { ms: performance.now() - started, status: result.status, stdout: result.stdout, output: result.stdout + result.stderr };
}
