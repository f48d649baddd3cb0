// Pure: writing and reading dkms.conf. DKMS sources it as shell; kforge only writes plain quoted
// assignments and reads them back the same way, never by running it.
import type { Gates } from "../config/gates.js";
import { kernelRangePattern } from "./kernel-pattern.js";

export interface DkmsModule {
  name: string;
  // Folder of the built .ko relative to the project, "." for the top.
  location: string;
}

export type DkmsGates = Gates;

export interface DkmsPackage {
  name: string;
  version: string;
  modules: DkmsModule[];
  modDir: "updates" | "extra";
  gates?: DkmsGates;
}

const quote = (value: string) => `"${value.replace(/(["\\$`])/g, "\\$1")}"`;

export function renderDkmsConf(project: DkmsPackage): string {
  const build = "${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build";
  const lines = [
    "# written by kforge dkms init; check it against the build with kforge dkms check",
    `PACKAGE_NAME=${quote(project.name)}`,
    `PACKAGE_VERSION=${quote(project.version)}`,
    `MAKE[0]="make -C \${kernel_source_dir} M=${build} modules"`,
    `CLEAN="make -C \${kernel_source_dir} M=${build} clean"`,
  ];
  project.modules.forEach((module, index) => {
    lines.push(`BUILT_MODULE_NAME[${index}]=${quote(module.name)}`);
    if (module.location !== ".") lines.push(`BUILT_MODULE_LOCATION[${index}]=${quote(module.location)}`);
    lines.push(`DEST_MODULE_LOCATION[${index}]=${quote(`/${project.modDir}`)}`);
  });
  lines.push(...gateLines(project.gates ?? {}), `AUTOINSTALL="yes"`);
  return `${lines.join("\n")}\n`;
}

function gateLines(gates: DkmsGates): string[] {
  const lines: string[] = [];
  if (gates.minKernel || gates.maxKernel) {
    const range = [gates.minKernel && `${gates.minKernel} or newer`, gates.maxKernel && `${gates.maxKernel} or older`]
      .filter(Boolean)
      .join(", ");
    // DKMS before 3.0.12 ignores BUILD_EXCLUSIVE_KERNEL_MIN/_MAX; every version reads this.
    lines.push(
      `# kernels ${range} (kforge.json gates)`,
      `BUILD_EXCLUSIVE_KERNEL=${quote(kernelRangePattern(gates.minKernel, gates.maxKernel))}`,
    );
  }
  // BUILD_EXCLUSIVE_ARCH is a regular expression matched against the architecture.
  if (gates.arch && gates.arch.length > 0) lines.push(`BUILD_EXCLUSIVE_ARCH=${quote(`^(${gates.arch.join("|")})$`)}`);
  if (gates.config && gates.config.length > 0) lines.push(`BUILD_EXCLUSIVE_CONFIG=${quote(gates.config.join(" "))}`);
  return lines;
}

// dkms.conf is read the way gates read it: plain assignments, never run.
export { parseDkmsAssignments as parseDkmsConf } from "../config/shell-assignments.js";
