// `kforge info <file.ko>`: what modinfo shows, read from the ELF itself, plus the taints loading it
// would cause and whether it was built for the selected kernel.
import { basename, resolve } from "node:path";
import { archFromConfig } from "../../kernel/architecture.js";
import { locateArtifact } from "../../project/build-location.js";
import { readKernelConfig, signingConfig } from "../../kernel/kernel-config.js";
import { selectKernel } from "../../kernel/select.js";
import {
  checkVermagic,
  describeMissingModinfo,
  describeModule,
  predictTaints,
  type ModuleDetails,
  type TaintPrediction,
} from "../../module/modinfo-details.js";
import { moduleMachineProblem } from "../../module/machine.js";
import { openModuleFile, readModuleParts } from "../../module/modinfo.js";
import { readModuleSymbols } from "../../module/symbols.js";
import { createPalette, type Palette } from "../../ui/color.js";
import { singleRelease } from "../../project/kernels.js";
import type { CommandContext } from "../context.js";

export interface InfoCommandOptions {
  file: string;
  json?: boolean;
  kernel?: string[];
  kdir?: string;
}

async function kernelFacts(options: InfoCommandOptions, context: CommandContext) {
  try {
    const kernel = await selectKernel({ kernel: singleRelease(options.kernel, "info"), kdir: options.kdir, env: context.env });
    const config = await readKernelConfig(kernel.kdir);
    return { release: kernel.release, signing: signingConfig(config).enabled, arch: config && archFromConfig(config) };
  } catch (error) {
    if (options.kernel || options.kdir) throw error;
    return undefined; // no build trees: show the file without the kernel comparison
  }
}

function formatText(details: ModuleDetails, exports: string[], warnings: string[], palette: Palette): string {
  const lines = [`${palette.bold(details.name)}  ${details.path}`];
  const field = (label: string, value: string | undefined) => value && lines.push(`  ${label.padEnd(12)} ${value}`);
  field("description", details.description);
  field("license", details.license ?? palette.yellow("(none)"));
  for (const author of details.authors) field("author", author);
  field("version", details.version);
  field("srcversion", details.srcversion);
  field("vermagic", details.vermagic);
  field("arch", details.architecture);
  field("depends", details.depends.join(", ") || "-");
  field("intree", details.intree ? "yes" : "no");
  field("retpoline", details.retpoline ? "yes" : "no");
  for (const alias of details.aliases) field("alias", alias);
  for (const firmware of details.firmware) field("firmware", firmware);
  if (exports.length) field("exports", exports.join(", "));
  const signature = details.signature;
  field(
    "signature",
    signature
      ? [signature.signer && `signer "${signature.signer}"`, signature.hashAlgorithm, signature.keyId && `key ${signature.keyId}`]
          .filter(Boolean)
          .join(", ") || "present"
      : "unsigned",
  );
  if (details.parameters.length) {
    lines.push("  parameters");
    for (const parameter of details.parameters) {
      const type = parameter.type ? ` (${parameter.type})` : "";
      const description = parameter.description ? `  ${palette.dim(parameter.description)}` : "";
      lines.push(`    ${parameter.name}${type}${description}`);
    }
  }
  for (const warning of warnings) lines.push(`${palette.yellow("warning:")} ${warning}`);
  return `${lines.join("\n")}\n`;
}

// The named module stands for the selected kernel's build of it, which may be in the kernel's tree.
async function chooseFile(named: string, release: string | undefined, context: CommandContext): Promise<string> {
  const path = release === undefined ? named : await locateArtifact(named, release);
  if (path !== named) context.stderr.write(`kforge: ${release}'s newest build of ${basename(named)} is in its matrix tree: ${path}\n`);
  return path;
}

const describeTaint = (taint: TaintPrediction) => `taints the kernel ${taint.letter}: ${taint.reason}`;

export async function infoCommand(options: InfoCommandOptions, context: CommandContext): Promise<number> {
  const kernel = await kernelFacts(options, context);
  const path = await chooseFile(resolve(context.cwd, options.file), kernel?.release, context);
  const module = await openModuleFile(path);
  const details = describeModule(module);
  const exports = readModuleParts(path, () => readModuleSymbols(module.elf)).exports.map((symbol) => symbol.name);
  const taints = predictTaints(details, kernel);
  const vermagicProblem = kernel ? checkVermagic(details, kernel.release) : undefined;
  const machineProblem = kernel?.arch ? moduleMachineProblem({ name: details.name, machine: module.elf.machine }, kernel.arch) : undefined;
  if (options.json) {
    const result = {
      ...details,
      exports,
      kernel: kernel?.release ?? null,
      taints,
      vermagicProblem: vermagicProblem ?? null,
      machineProblem: machineProblem ?? null,
    };
    context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const missing = describeMissingModinfo(details);
  // Without vermagic the missing-modinfo warning already says the kernel will refuse it.
  const warnings = [
    ...(missing ? [missing] : []),
    ...taints.map(describeTaint),
    ...(vermagicProblem && details.vermagic ? [vermagicProblem] : []),
    ...(machineProblem ? [machineProblem] : []),
  ];
  context.stdout.write(formatText(details, exports, warnings, createPalette(context.stdout as NodeJS.WriteStream)));
  return 0;
}
