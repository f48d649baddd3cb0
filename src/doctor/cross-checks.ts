// The `kforge doctor` checks for work on another architecture: per architecture kforge cross-builds for,
// apt's package lists for it (kernel fetch), the Debian cross compiler (build) and QEMU's system
// emulator (the guest); and which of its kernels are fetched. None is required for native work.
import { ARCHITECTURES, hostArchitecture, type Architecture } from "../kernel/architecture.js";
import { findCachedBuildTrees } from "../kernel/build-tree.js";
import { readTreeArch } from "../kernel/tree-arch.js";
import { run, which } from "../process/exec.js";
import type { CheckResult } from "./checks.js";

const check = (name: string, ok: boolean, detail: string, fix: string): CheckResult => ({
  name,
  area: "cross",
  ok,
  detail,
  required: false,
  ...(ok ? {} : { fix }),
});

// undefined where dpkg is not the package manager.
async function foreignDpkgArchitectures(): Promise<string[] | undefined> {
  const result = await run("dpkg", ["--print-foreign-architectures"]);
  return result.failed ? undefined : result.stdout.split(/\s+/).filter(Boolean);
}

async function toolCheck(name: string, command: string, fix: string): Promise<CheckResult> {
  const path = await which(command);
  return check(name, path !== undefined, path ?? `${command} not found on PATH`, fix);
}

async function architectureChecks(architecture: Architecture, foreign: string[] | undefined, fetched: string[]): Promise<CheckResult[]> {
  const { debian, gnuType } = architecture;
  const checks: CheckResult[] = [];
  if (foreign !== undefined) {
    const enabled = foreign.includes(debian);
    checks.push(
      check(
        `${debian} packages`,
        enabled,
        enabled
          ? `apt fetches ${debian} packages (kforge kernel fetch can get ${debian} kernels)`
          : `apt does not fetch ${debian} packages`,
        `dpkg --add-architecture ${debian} && apt-get update (as root; installs nothing)`,
      ),
    );
  }
  checks.push(await toolCheck(`${debian} cross gcc`, `${gnuType}-gcc`, `apt-get install gcc-${gnuType}`));
  checks.push(
    await toolCheck(`${debian} qemu`, architecture.qemu, `apt-get install ${architecture.qemuPackage} (to boot ${debian} guests)`),
  );
  checks.push(
    check(
      `${debian} kernels`,
      fetched.length > 0,
      fetched.length > 0 ? `fetched: ${fetched.join(", ")}` : "none fetched",
      `kforge kernel fetch linux-headers-${architecture.flavours[0]} (Debian's current ${debian} kernel)`,
    ),
  );
  return checks;
}

export async function runCrossChecks(env?: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const host = hostArchitecture();
  const foreign = await foreignDpkgArchitectures();
  const trees = await Promise.all(
    (await findCachedBuildTrees(env)).map(async (tree) => ({ ...tree, arch: (await readTreeArch(tree.kdir)).arch })),
  );
  const checks: CheckResult[] = [];
  for (const architecture of ARCHITECTURES.filter((candidate) => candidate.name !== host?.name)) {
    const fetched = trees.filter((tree) => tree.arch === architecture.name).map((tree) => tree.release);
    checks.push(...(await architectureChecks(architecture, foreign, fetched)));
  }
  return checks;
}
