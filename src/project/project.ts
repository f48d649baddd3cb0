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
import type { BuildOptions, KernelTarget } from "../kbuild/build-modules.js";
import { objectToVariables, validateMakeVariables } from "../kbuild/make-arguments.js";
import { resolveLlvm } from "../kbuild/module-dir.js";
import { resolveCrossTarget } from "../kbuild/target-arch.js";
import { hostArchitecture } from "../kernel/architecture.js";
import type { KernelSelection } from "../kernel/select.js";
import { readTreeArch } from "../kernel/tree-arch.js";
import { artifactsRoot } from "./artifacts.js";
import { builtDir, chooseBuildDir } from "./build-location.js";
import { type GateSplit, splitByGates } from "./gates.js";
import { isSeveral, requestedKernels, resolveKernels, singleRelease } from "./kernels.js";
import { flagOf, type OptionName } from "./options.js";
import { DEFAULT_SOURCE, type Flags, resolveSetting, settingSource } from "./settings.js";
import { chooseTimeLimit, type TimeLimit } from "./time-limit.js";

// The kbuild settings of a run: everything buildModules takes but the dir, kernel and callbacks.
export type MakeSettings = Omit<BuildOptions, "dir" | "kernel" | "signal" | "onEvent" | "environment">;

export interface GuestSettings {
  // --timeout, else kforge.json vm.timeout, else the kernel's default (vm/time-limit.ts).
  timeLimit(release: string): TimeLimit;
  memoryMb: number;
  // What set the memory, for its error message ("--memory", "kforge.json vm.memory").
  memorySource: string;
  // Neither --memory nor vm.memory: a cold guest gets what its initramfs needs (vm/guest/memory.ts).
  memoryIsDefault: boolean;
  accel: "auto" | "kvm" | "tcg";
  // The image to boot: --vm-kernel, else kforge.json vm.kernel (each named as such in errors).
  vmKernel?: string;
  configKernel?: string;
  // kforge.json vm.test, then --exec.
  tests: string[];
  // Project modules to load (with what they need): --module, else kforge.json vm.modules.
  modules: { names: string[]; optionName: string };
  // Emulated devices: kforge.json vm.devices, then --device (planned by vm/qemu/devices.ts).
  devices: string[];
  // Where the test steps run: the busybox guest's own userspace or the host's (vm/host-root/).
  userspace: "busybox" | "host";
  // kforge.json vm.projectWritable: the host userspace's project dir is writable in the guest.
  projectWritable: boolean;
  // Where files from $KFORGE_ARTIFACTS come back to: one subdir per release under it (absolute).
  artifacts: string;
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
  // The make settings for one kernel: make with the ARCH= and CROSS_COMPILE= its tree implies.
  makeFor(kernel: KernelTarget): Promise<MakeSettings>;
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
  splitByGates<Kernel extends { release: string; kdir: string }>(kernels: Kernel[]): Promise<GateSplit<Kernel>>;
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
  const where = { cwd: input.cwd, dir };
  const coverage = coverageSettings(setting, flags, where);
  const plain = makeSettings(setting, config, input.extraArgsAreMakeVariables ? extraArgs : []);
  // On the command line, so kbuild instruments every object of the module dir without a Kbuild edit.
  const make = coverage ? { ...plain, variables: [...(plain.variables ?? []), "GCOV_PROFILE=y"] } : plain;
  return {
    dir,
    config,
    flags,
    env: input.env,
    make,
    makeFor: (kernel) => makeSettingsFor(make, kernel),
    ...(coverage ? { coverage } : {}),
    guest: {
      ...guestSettings(setting, flags, config),
      artifacts: artifactsRoot({ flag: flags.artifacts as string | undefined, config, ...where }),
    },
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
    // kforge.json only: how the project builds (kbuild/build-command.ts).
    buildCommand: config.build?.command,
    // Command-line variables come last, so make lets them win.
    variables: [...objectToVariables(config.make?.variables), ...validateMakeVariables(makeVariables)],
  };
}

// The one place that decides ARCH= and CROSS_COMPILE= for a kernel: a tree of another architecture than
// this machine's (a fetched arm64 kernel) brings its own, and what the user set (flag, kforge.json or
// `-- NAME=value`) is kept. Builds, watch's fast rebuilds and their fingerprints all take them from here.
export async function makeSettingsFor(make: MakeSettings, kernel: KernelTarget): Promise<MakeSettings> {
  // A --llvm the tree refuses is reported by the build, with the rest of its checks.
  const llvm = await resolveLlvm(kernel.kdir, make.llvm).catch(() => Boolean(make.llvm));
  const target = resolveCrossTarget({
    configured: (await readTreeArch(kernel.kdir)).arch,
    host: hostArchitecture(),
    release: kernel.release,
    arch: make.arch,
    crossCompile: make.crossCompile,
    variables: make.variables,
    llvm,
  });
  return { ...make, arch: target.arch, crossCompile: target.crossCompile };
}

function guestSettings(
  setting: <Value>(name: OptionName) => Value | undefined,
  flags: Flags,
  config: KforgeConfig,
): Omit<GuestSettings, "artifacts"> {
  const modules = flags.module as string[] | undefined;
  const timeLimit = (release: string) =>
    chooseTimeLimit({ flag: flags.timeout as number | undefined, config: config.vm?.timeout, release });
  // A --timeout or vm.timeout kforge cannot wait for is an error before anything runs.
  timeLimit("");
  return {
    timeLimit,
    memoryMb: setting<number>("memory")!,
    memorySource: settingSource("memory", flags, config),
    memoryIsDefault: settingSource("memory", flags, config) === DEFAULT_SOURCE,
    accel: setting("accel")!,
    vmKernel: flags.vmKernel as string | undefined,
    configKernel: flags.vmKernel === undefined ? config.vm?.kernel : undefined,
    tests: [...(config.vm?.test ?? []), ...((flags.exec as string[] | undefined) ?? [])],
    modules: modules?.length
      ? { names: modules, optionName: "--module" }
      : { names: config.vm?.modules ?? [], optionName: "kforge.json vm.modules" },
    devices: [...(config.vm?.devices ?? []), ...((flags.device as string[] | undefined) ?? [])],
    userspace: setting("userspace")!,
    projectWritable: config.vm?.projectWritable ?? false,
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
