// The project model: a module dir's kforge.json read once and resolved with the command's flags
// (flags over kforge.json over defaults, as the option table says) into the settings every command
// uses: the target kernels, the make settings, the guest settings, the gates. build, vm, test, watch,
// install, sign, compile-commands, dkms, ci init and --debug all take them from here, so they build
// with the same make arguments and find the same build for each kernel.
import { resolve } from "node:path";
import type { CoverageFormat } from "../coverage/model.js";
import { UsageError } from "../errors.js";
import { type KforgeConfig, loadConfig } from "../config/kforge-json.js";
import { assertFolder } from "../fs/check-path.js";
import type { BuildOptions } from "../kbuild/build-modules.js";
import { objectToVariables, validateMakeVariables } from "../kbuild/make-arguments.js";
import type { KernelSelection } from "../kernel/select.js";
import { builtDir, chooseBuildDir } from "./build-location.js";
import { type SkippedKernel, splitByGates } from "./gates.js";
import { isSeveral, requestedKernels, resolveKernels, singleRelease } from "./kernels.js";
import { flagOf, type OptionName } from "./options.js";
import { type Flags, resolveSetting, settingSource } from "./settings.js";

// The kbuild settings of a run: everything buildModules takes but the dir, kernel and callbacks.
export type MakeSettings = Omit<BuildOptions, "dir" | "kernel" | "signal" | "onEvent" | "environment">;

export interface GuestSettings {
  timeoutMs: number;
  memoryMb: number;
  // What set the memory, for its error message ("--memory", "kforge.json vm.memory").
  memorySource: string;
  accel: "auto" | "kvm" | "tcg";
  // The image to boot: --vm-kernel, else kforge.json vm.kernel (each named as such in errors).
  vmKernel?: string;
  configKernel?: string;
  // kforge.json vm.test, then --exec.
  tests: string[];
  // Project modules to load (with what they need): --module, else kforge.json vm.modules.
  modules: { names: string[]; optionName: string };
}

// --coverage: the report files to write and where (absolute; undefined: .kforge/coverage/<release>/).
export interface CoverageSettings {
  formats: CoverageFormat[];
  output?: string;
}

export interface ProjectInput {
  // The command's name, for messages ("vm").
  command?: string;
  // The module dir as given (relative to cwd), default ".".
  dir?: string;
  flags: Flags;
  cwd: string;
  env: NodeJS.ProcessEnv;
  // Arguments after a bare `--`: make variables for the commands that build on their own terms
  // (build, clean), module parameters for the others.
  extraArgs?: string[];
  extraArgsAreMakeVariables?: boolean;
}

export interface Project {
  dir: string;
  config: KforgeConfig;
  flags: Flags;
  env: NodeJS.ProcessEnv;
  make: MakeSettings;
  guest: GuestSettings;
  // Set with --coverage; the make settings then build with gcov.
  coverage?: CoverageSettings;
  // Module parameters from after `--` (commands that load).
  parameterWords: string[];
  setting<Value>(name: OptionName): Value | undefined;
  // Several kernels asked for (a list or all), before they are resolved.
  severalKernels: boolean;
  kernels(): Promise<KernelSelection[]>;
  // The one kernel of a command that takes one: the first of a kforge.json list unless a flag names it.
  kernel(): Promise<KernelSelection>;
  splitByGates<Kernel extends { release: string; kdir: string }>(
    kernels: Kernel[],
  ): Promise<{ allowed: Kernel[]; skipped: SkippedKernel[] }>;
  buildDir(release: string, options: { alone: boolean }): Promise<string>;
  builtDir(release: string): Promise<string>;
}

export async function openProject(input: ProjectInput): Promise<Project> {
  const dir = resolve(input.cwd, input.dir ?? ".");
  await assertFolder(dir, "module directory");
  const config = await loadConfig(dir);
  const flags = input.flags;
  const setting = <Value>(name: OptionName) => resolveSetting<Value>(name, flags, config);
  const extraArgs = input.extraArgs ?? [];
  const kernelRequest = { kernel: flags.kernel as string[] | undefined, kdir: flags.kdir as string | undefined, config, env: input.env };
  const severalKernels = isSeveral(requestedKernels(kernelRequest).releases);
  const coverage = coverageSettings(setting, flags, { cwd: input.cwd, dir });
  const make = makeSettings(setting, config, input.extraArgsAreMakeVariables ? extraArgs : []);
  return {
    dir,
    config,
    flags,
    env: input.env,
    // On the command line, so kbuild instruments every object of the module dir without a Kbuild edit.
    make: coverage ? { ...make, variables: [...(make.variables ?? []), "GCOV_PROFILE=y"] } : make,
    ...(coverage ? { coverage } : {}),
    guest: guestSettings(setting, flags, config),
    parameterWords: input.extraArgsAreMakeVariables ? [] : extraArgs,
    setting,
    severalKernels,
    kernels: () => resolveKernels(kernelRequest),
    kernel: async () => {
      const named = singleRelease(kernelRequest.kernel, input.command ?? "this command");
      return (
        await resolveKernels({ ...kernelRequest, kernel: named === undefined ? undefined : [named], config: firstKernelOnly(config) })
      )[0]!;
    },
    splitByGates: (kernels) => splitByGates(dir, config, kernels),
    buildDir: (release, options) => chooseBuildDir(dir, release, options),
    builtDir: (release) => builtDir(dir, release),
  };
}

function makeSettings(
  setting: <Value>(name: OptionName) => Value | undefined,
  config: KforgeConfig,
  makeVariables: string[],
): MakeSettings {
  return {
    jobs: setting("jobs"),
    llvm: setting("llvm"),
    arch: setting("arch"),
    crossCompile: setting("crossCompile"),
    warnings: setting("warnings"),
    check: setting("check"),
    werror: setting("werror"),
    verbose: setting("verbose"),
    force: setting("force"),
    // Command-line variables come last, so make lets them win.
    variables: [...objectToVariables(config.make?.variables), ...validateMakeVariables(makeVariables)],
  };
}

function guestSettings(setting: <Value>(name: OptionName) => Value | undefined, flags: Flags, config: KforgeConfig): GuestSettings {
  const modules = flags.module as string[] | undefined;
  return {
    timeoutMs: 1000 * setting<number>("timeout")!,
    memoryMb: setting<number>("memory")!,
    memorySource: settingSource("memory", flags, config),
    accel: setting("accel")!,
    vmKernel: flags.vmKernel as string | undefined,
    configKernel: flags.vmKernel === undefined ? config.vm?.kernel : undefined,
    tests: [...(config.vm?.test ?? []), ...((flags.exec as string[] | undefined) ?? [])],
    modules: modules?.length
      ? { names: modules, optionName: "--module" }
      : { names: config.vm?.modules ?? [], optionName: "kforge.json vm.modules" },
  };
}

function coverageSettings(
  setting: <Value>(name: OptionName) => Value | undefined,
  flags: Flags,
  where: { cwd: string; dir: string },
): CoverageSettings | undefined {
  if (!flags.coverage) {
    const stray = (["coverageFormat", "coverageOutput"] as const).find((name) => flags[name] !== undefined);
    if (stray) throw new UsageError(`${flagOf(stray)} sets up coverage reports, but --coverage was not given`, `add --coverage`);
    return undefined;
  }
  const output = setting<string>("coverageOutput");
  // A flag's path is relative to where kforge runs, kforge.json's to the module dir.
  const base = flags.coverageOutput === undefined ? where.dir : where.cwd;
  return { formats: [...new Set(setting<CoverageFormat[]>("coverageFormat"))], ...(output ? { output: resolve(base, output) } : {}) };
}

// A command that takes one kernel boots the first of a kforge.json kernel list.
const firstKernelOnly = (config: KforgeConfig): KforgeConfig =>
  Array.isArray(config.kernel) ? { ...config, kernel: config.kernel[0] } : config;
