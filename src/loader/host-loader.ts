// Loads and unloads modules on the host with kmod's insmod/rmmod (modprobe for in-tree dependencies),
// project modules in dependency order and back in reverse, verifying each step in /proc/modules and
// attaching the kernel log lines it caused. Prints nothing: progress goes to onEvent.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KforgeError } from "../errors.js";
import { distroFamily, headersInstallHint, readOsRelease } from "../kernel/os-release.js";
import type { KmsgRecord } from "../kernel-log/explain.js";
import { checkVermagic } from "../module/modinfo-details.js";
import { findProcModule } from "../module/proc-modules.js";
import { openProjectModule, resolveDependencies, resolveSymbols, type ProjectModule } from "../module/resolve-deps.js";
import { run } from "../process/exec.js";
import { diagnoseLoadFailure, diagnoseUnloadFailure, type Diagnosis } from "./diagnose.js";
import {
  assertModuleSupport,
  isRootUser,
  privilegePrefix,
  readModuleTable,
  readProcModulesText,
  type HostPaths,
} from "./host-environment.js";
import { createKernelLogCursor, type KernelLogCursor } from "./kernel-log-cursor.js";

export type LoaderAction = "insmod" | "modprobe" | "rmmod";

export type LoaderEvent =
  | { kind: "step"; action: LoaderAction; module: string; command: string }
  | { kind: "kernel-log"; record: KmsgRecord }
  | { kind: "done"; action: LoaderAction; module: string; state: string }
  | { kind: "note"; message: string };

export interface StepResult {
  action: LoaderAction;
  module: string;
  ok: boolean;
  kernelLog: string[];
  // The tool's stdout and stderr, interleaved.
  output: string;
  diagnosis?: Diagnosis;
}

export interface HostOptions {
  paths: HostPaths;
  sudo: boolean;
  runningRelease: string;
  // /lib/modules/<running release>: modules.dep and modules.symbols for in-tree dependencies.
  modulesDir: string;
  signal?: AbortSignal;
  onEvent: (event: LoaderEvent) => void;
}

export interface HostSession {
  options: HostOptions;
  prefix: string[];
  cursor: KernelLogCursor;
  steps: StepResult[];
}

export function openSession(options: HostOptions, firstModule: string): HostSession {
  assertModuleSupport(options.paths, firstModule);
  const prefix = privilegePrefix({ sudo: options.sudo, isRoot: isRootUser() });
  return { options, prefix, cursor: createKernelLogCursor({ kmsgPath: options.paths.kmsgPath, sudoPrefix: prefix }), steps: [] };
}

// timeoutMs: a tool still running after this long is stopped and the step fails (watch's step timeout).
export async function runStep(
  session: HostSession,
  action: LoaderAction,
  module: string,
  args: string[],
  timeoutMs?: number,
): Promise<StepResult> {
  const { options } = session;
  const [file, ...rest] = [...session.prefix, action, ...args];
  options.onEvent({ kind: "step", action, module, command: [action, ...args].join(" ") });
  await session.cursor.mark();
  const result = await run(file!, rest, { signal: options.signal, timeoutMs });
  const records = await session.cursor.readNew();
  for (const record of records) options.onEvent({ kind: "kernel-log", record });
  const kernelLog = records.map((record) => record.message);
  const failure = result.failed
    ? await diagnoseStep(session, { action, module, args }, result, kernelLog)
    : await verifyStep(session, action, module);
  const step: StepResult = { action, module, ok: !failure, kernelLog, output: result.all, ...(failure ? { diagnosis: failure } : {}) };
  session.steps.push(step);
  return step;
}

async function diagnoseStep(
  session: HostSession,
  { action, module, args }: { action: LoaderAction; module: string; args: string[] },
  result: { exitCode: number | undefined; stderr: string; notFound: boolean },
  kernelLog: string[],
): Promise<Diagnosis> {
  if (result.notFound) {
    return {
      kind: "tool-missing",
      title: `${session.prefix[0] ?? action} is not installed`,
      detail: `cannot run ${[...session.prefix, action].join(" ")}`,
      hint: "install kmod (apt-get install kmod)",
    };
  }
  // insmod's arguments after the file are the module parameters.
  const parameters = action === "insmod" ? args.slice(1) : [];
  const input = {
    module,
    exitCode: result.exitCode,
    stderr: result.stderr,
    kernelLog,
    parameters,
    isRoot: isRootUser() || session.options.sudo,
    procModules: await readProcModulesText(session.options.paths),
  };
  return action === "rmmod" ? diagnoseUnloadFailure(input) : diagnoseLoadFailure(input);
}

// The tool said yes; the kernel's module table must agree.
async function verifyStep(session: HostSession, action: LoaderAction, module: string): Promise<Diagnosis | undefined> {
  const entry = findProcModule(await readModuleTable(session.options.paths), module);
  if (action === "rmmod") {
    if (!entry) {
      session.options.onEvent({ kind: "done", action, module, state: "unloaded" });
      return undefined;
    }
    return {
      kind: "not-verified",
      title: `rmmod succeeded but ${module} is still listed (${entry.state})`,
      detail: "the exit function may still be running",
      hint: "check kforge lsmod in a moment",
    };
  }
  if (!entry)
    return {
      kind: "not-verified",
      title: `${action} succeeded but ${module} is not in /proc/modules`,
      detail: "the module unloaded itself or was built under another name",
      hint: "check the name= line of kforge info",
    };
  session.options.onEvent({ kind: "done", action, module, state: entry.state });
  if (entry.state === "Live") return undefined;
  return {
    kind: "not-verified",
    title: `${module} is ${entry.state}, not Live`,
    detail: "its init function has not returned (stuck or crashed)",
    hint: "read the kernel log above; a module stuck in Loading needs a reboot",
  };
}

// Only a release whose build tree exists can be built for; otherwise say how to get its headers.
async function rebuildHint(runningRelease: string, modulesDir: string): Promise<string> {
  if (existsSync(join(modulesDir, "build")))
    return `rebuild for the running kernel: kforge build --kernel ${runningRelease} (or test it in a VM: kforge vm)`;
  const install = headersInstallHint(distroFamily(await readOsRelease()), runningRelease);
  return (
    `the running kernel ${runningRelease} has no build tree (${join(modulesDir, "build")}): install ` +
    `its headers (${install}) and rebuild with kforge build, or test the module in a VM: kforge vm`
  );
}

// The refusal of a module built for another kernel than the running one, or undefined when it matches.
export async function vermagicDiagnosis(module: ProjectModule, runningRelease: string, modulesDir: string): Promise<Diagnosis | undefined> {
  const problem = checkVermagic(module.details, runningRelease);
  if (!problem) return undefined;
  return {
    kind: "vermagic-mismatch",
    title: `refusing to load ${module.path}`,
    detail: problem.replace("the selected kernel", "the running kernel"),
    hint: await rebuildHint(runningRelease, modulesDir),
  };
}

export async function refuseVermagicMismatch(modules: ProjectModule[], runningRelease: string, modulesDir: string): Promise<void> {
  for (const module of modules) {
    const diagnosis = await vermagicDiagnosis(module, runningRelease, modulesDir);
    if (diagnosis) throw new KforgeError(`${diagnosis.title}: ${diagnosis.detail}`, { hint: diagnosis.hint });
  }
}

export interface LoadRequest {
  files: string[];
  parameters: (moduleNames: string[]) => Map<string, string[]>;
}

export async function loadOnHost(request: LoadRequest, options: HostOptions): Promise<{ ok: boolean; steps: StepResult[] }> {
  const modules = await Promise.all(request.files.map(openProjectModule));
  const session = openSession(options, modules[0]?.name ?? "module");
  await refuseVermagicMismatch(modules, options.runningRelease, options.modulesDir);
  const resolution = await resolveDependencies({
    files: request.files,
    kdir: join(options.modulesDir, "build"),
    modulesDir: options.modulesDir,
    release: options.runningRelease,
  });
  for (const missing of resolution.missing)
    options.onEvent({
      kind: "note",
      message: `nothing provides ${missing.symbol} needed by ${missing.module}: loading will fail with "Unknown symbol"`,
    });
  const parameters = request.parameters(resolution.loadOrder);
  const loaded = await readModuleTable(options.paths);
  for (const name of resolution.inTreeModules) {
    if (findProcModule(loaded, name)) continue;
    if (!(await runStep(session, "modprobe", name, [name])).ok) return { ok: false, steps: session.steps };
  }
  for (const name of resolution.loadOrder) {
    const module = modules.find((candidate) => candidate.name === name)!;
    if (!(await runStep(session, "insmod", name, [module.path, ...(parameters.get(name) ?? [])])).ok)
      return { ok: false, steps: session.steps };
  }
  return { ok: true, steps: session.steps };
}

// Unloads in the given order (callers pass reverse load order); names not loaded are skipped with a note.
export async function unloadOnHost(names: string[], options: HostOptions): Promise<{ ok: boolean; steps: StepResult[] }> {
  const session = openSession(options, names[0] ?? "module");
  const loaded = await readModuleTable(options.paths);
  for (const name of names) {
    if (!findProcModule(loaded, name)) {
      options.onEvent({ kind: "note", message: `${name} is not loaded` });
      continue;
    }
    if (!(await runStep(session, "rmmod", name, [name])).ok) return { ok: false, steps: session.steps };
  }
  return { ok: true, steps: session.steps };
}

// Project module names in reverse load order, for unload and reload.
export async function unloadOrder(files: string[]): Promise<string[]> {
  const modules = await Promise.all(files.map(openProjectModule));
  return resolveSymbols(modules, [], []).loadOrder.reverse();
}
