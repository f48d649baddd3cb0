// What kforge says when a project builds through a wrapper of its own and kforge.json does not say to
// use it: what the wrapper adds, that kforge runs kbuild itself without it, and the kforge.json line
// that builds through it instead.
import { join } from "node:path";
import { readShellValues } from "../config/shell-assignments.js";
import { readOptionalText } from "../fs/files.js";
import type { BuildCommandSetting } from "./build-command.js";
import { findMakefileWrapper, isPlainKbuildCall } from "./wrapper-detect.js";

const KFORGE_CALL = "kforge runs make -C <kdir> M=<dir> modules itself";

export async function describeBypassedWrappers(dir: string, setting: BuildCommandSetting | undefined): Promise<string[]> {
  if (setting !== undefined && setting !== "kbuild") return [];
  const notices: string[] = [];
  const dkms = readShellValues((await readOptionalText(join(dir, "dkms.conf"))) ?? "");
  const make = [...dkms.known].filter(([key]) => /^MAKE\[\d+\]$/.test(key));
  const custom = make.find(([, text]) => !isPlainKbuildCall(text));
  if (custom) {
    const matched = [...dkms.known.keys()].some((key) => key.startsWith("MAKE_MATCH[")) ? " (MAKE_MATCH picks one per kernel)" : "";
    notices.push(
      `dkms.conf's ${custom[0]} builds with "${custom[1]}"${matched}; ${KFORGE_CALL}, without it. ` +
        'To build as DKMS does, set {"build": {"command": "dkms"}} in kforge.json',
    );
  }
  for (const name of ["Makefile", "GNUmakefile", "makefile"]) {
    const text = await readOptionalText(join(dir, name));
    const wrapper = text === undefined ? undefined : findMakefileWrapper(text);
    if (!wrapper) continue;
    const command = wrapper.kernelVariable ? `make ${wrapper.kernelVariable}=\${kernel_source_dir}` : "make";
    notices.push(
      `the ${name}'s ${wrapper.target} target (line ${wrapper.line}) builds with ${wrapper.extras.join(" ")}; ${KFORGE_CALL}, without ` +
        `${wrapper.extras.length === 1 ? "it" : "them"}. To build through ` +
        `the ${name}, set {"build": {"command": "${command}"}} in kforge.json ` +
        "(kforge expands ${kernel_source_dir} and ${kernelver} per kernel), or pass the variables: kforge build -- NAME=value",
    );
    break;
  }
  return notices;
}
