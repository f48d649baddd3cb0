// The checks behind `kforge doctor`: what building, loading and the VM need, each with a fix.
import { constants } from "node:fs/promises";
import { isAccessible } from "../fs/files.js";
import { release as runningRelease } from "node:os";
import { isKforgeError } from "../errors.js";
import { describeKernel, type KernelDescription } from "../kernel/discover.js";
import { distroFamily, readOsRelease, type DistroFamily } from "../kernel/os-release.js";
import { selectKernel, type SelectKernelOptions } from "../kernel/select.js";
import { run, which } from "../process/exec.js";
import { runCrossChecks } from "./cross-checks.js";

export type CheckArea = "build" | "load" | "vm" | "cross";

export interface CheckResult {
  name: string;
  area: CheckArea;
  ok: boolean;
  detail: string;
  // How to fix a failed check; undefined when ok.
  fix?: string;
  // A failed required check means the build path is not ready (exit 1).
  required: boolean;
}

function packageHint(family: DistroFamily, debian: string, other: string): string {
  return family === "debian" ? `apt-get install ${debian}` : other;
}

// busybox prints its banner without arguments and rejects --version.
async function toolVersion(name: string, versionArguments: string[]): Promise<string | undefined> {
  const path = await which(name);
  if (!path) return undefined;
  const result = await run(path, versionArguments);
  return (result.stdout || result.stderr).split("\n")[0]?.trim() || path;
}

async function checkTool(
  name: string,
  area: CheckArea,
  required: boolean,
  fix: string,
  versionArguments = ["--version"],
): Promise<CheckResult> {
  const version = await toolVersion(name, versionArguments);
  return version
    ? { name, area, ok: true, detail: version, required }
    : { name, area, ok: false, detail: "not found on PATH", fix, required };
}

async function checkKernel(selection: SelectKernelOptions): Promise<{ checks: CheckResult[]; kernel?: KernelDescription }> {
  try {
    const tree = await selectKernel(selection);
    const kernel = await describeKernel(tree);
    const compiler: CheckResult = kernel.compiler.host
      ? {
          name: "compiler",
          area: "build",
          ok: !kernel.compiler.mismatch,
          required: false,
          detail: `kernel: ${kernel.compiler.kernel ?? "unknown"}; PATH: ${kernel.compiler.host}`,
          fix: kernel.compiler.mismatch ? `install the kernel's compiler (${kernel.compiler.kernel}) or expect subtle breakage` : undefined,
        }
      : {
          name: "compiler",
          area: "build",
          ok: false,
          required: true,
          detail: `${kernel.compiler.kernel ?? "gcc"} not found`,
          fix: "apt-get install gcc (the version the kernel was built with)",
        };
    return {
      kernel,
      checks: [
        {
          name: "headers",
          area: "build",
          ok: true,
          required: true,
          detail: `${tree.release} at ${tree.kdir}${tree.notice ? ` (${tree.notice})` : ""}`,
        },
        compiler,
      ],
    };
  } catch (error) {
    if (!isKforgeError(error)) throw error;
    return { checks: [{ name: "headers", area: "build", ok: false, required: true, detail: error.message, fix: error.hint }] };
  }
}

export async function runChecks(selection: SelectKernelOptions): Promise<CheckResult[]> {
  const family = distroFamily(await readOsRelease());
  const { checks: kernelChecks, kernel } = await checkKernel(selection);
  const hasModuleSupport = await isAccessible("/proc/modules", constants.R_OK);
  const kvmUsable = await isAccessible("/dev/kvm", constants.R_OK | constants.W_OK);
  const isRoot = process.getuid?.() === 0;
  const sudo = await which("sudo");
  const checks: CheckResult[] = [
    await checkTool("make", "build", true, packageHint(family, "make", "install GNU make")),
    ...kernelChecks,
    await checkTool("sparse", "build", false, packageHint(family, "sparse", "install sparse (only for build --check)")),
    await checkTool("insmod", "load", false, packageHint(family, "kmod", "install kmod")),
    await checkTool("modprobe", "load", false, packageHint(family, "kmod", "install kmod")),
    {
      name: "module support",
      area: "load",
      ok: hasModuleSupport,
      required: false,
      detail: hasModuleSupport
        ? `the running kernel ${runningRelease()} loads modules`
        : `the running kernel ${runningRelease()} has no module support (no /proc/modules)`,
      fix: hasModuleSupport ? undefined : "load and test modules in a VM instead: kforge vm",
    },
    {
      name: "privileges",
      area: "load",
      ok: isRoot || Boolean(sudo),
      required: false,
      detail: isRoot ? "running as root" : sudo ? "not root; sudo available (use --sudo)" : "not root and no sudo",
      fix: isRoot || sudo ? undefined : "run load commands as root",
    },
    await checkTool("qemu-system-x86_64", "vm", false, packageHint(family, "qemu-system-x86", "install QEMU for x86_64")),
    await checkTool("busybox", "vm", false, packageHint(family, "busybox-static", "install a static busybox"), []),
    {
      name: "kvm",
      area: "vm",
      ok: kvmUsable,
      required: false,
      detail: kvmUsable
        ? "/dev/kvm is accessible (a KVM boot that hangs falls back to software emulation)"
        : "/dev/kvm is missing or not accessible: the VM uses software emulation (slower)",
      fix: kvmUsable ? undefined : "add yourself to the kvm group, or enable virtualisation in the firmware",
    },
  ];
  if (kernel) {
    checks.push({
      name: "kernel image",
      area: "vm",
      ok: Boolean(kernel.vmlinuz),
      required: false,
      detail: kernel.vmlinuz ?? `no readable image for ${kernel.release}`,
      fix: kernel.vmlinuz ? undefined : `kforge kernel fetch ${kernel.release}`,
    });
  }
  checks.push(...(await runCrossChecks(selection.env)));
  return checks;
}
