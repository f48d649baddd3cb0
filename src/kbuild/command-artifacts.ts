// The modules a project's own build command left: those of every modules.order it left (in the dir or a
// subfolder, where a Makefile that runs `make -C src` leaves it), checked as DKMS checks them: each
// BUILT_MODULE_NAME[i] at its BUILT_MODULE_LOCATION[i], and each built for the kernel asked for.
import { join } from "node:path";
import { expandVariables } from "../config/shell-assignments.js";
import { dkmsExpectedModules } from "../dkms/make-command.js";
import { isAccessible } from "../fs/files.js";
import { collectArtifactsBelow, type ArtifactScan } from "./artifacts.js";
import type { BuildCommand } from "./build-command.js";
import type { Diagnostic } from "./parse-output.js";

export async function collectCommandArtifacts(dir: string, release: string, command: BuildCommand): Promise<ArtifactScan> {
  const scan = await collectArtifactsBelow(dir);
  const problems: Diagnostic[] = [...scan.problems];
  if (command.dkms) {
    const expand = (text: string) => expandVariables(text, new Map([["kernelver", release]]));
    for (const expected of dkmsExpectedModules(command.dkms, expand)) {
      if (!(await isAccessible(join(dir, expected))))
        problems.push(
          problem(
            `${command.source} succeeded but did not build ${expected}, which dkms.conf's ` +
              `BUILT_MODULE_NAME/BUILT_MODULE_LOCATION name (DKMS fails such a build)`,
            "fix BUILT_MODULE_LOCATION in dkms.conf, or the Makefile's output folder",
          ),
        );
    }
  }
  for (const artifact of scan.artifacts) {
    const built = artifact.vermagic?.split(/\s+/)[0];
    if (built && built !== release)
      problems.push(
        problem(
          `${artifact.path} was built for kernel ${built}, not ${release}: ${command.source} did not build against the kernel asked for`,
          "pass the kernel to the Makefile in build.command, e.g. make " +
            "KDIR=${kernel_source_dir} or KVERSION=${kernelver} (kforge expands both per kernel)",
        ),
      );
  }
  return { artifacts: problems.length > scan.problems.length ? [] : scan.artifacts, problems };
}

const problem = (message: string, hint: string): Diagnostic => ({
  severity: "error",
  file: null,
  line: null,
  column: null,
  message,
  flag: null,
  hint,
  origin: "kforge",
});
