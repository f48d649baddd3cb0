// Runs the commands of a fast rebuild the way make runs a recipe: through sh, in the kernel tree,
// with the build's environment, printing kbuild's step lines, deleting the target of a command that
// failed or was interrupted (make's .DELETE_ON_ERROR), and for compiles turning gcc's dependency
// file into the .cmd file with the kernel's own fixdep, as kbuild's cmd_and_fixdep does.
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { run } from "../../process/exec.js";
import type { BuildEvent, KernelTarget } from "../build-modules.js";
import { openBuildLog } from "../build-log.js";
import { unescapeMakeCommand, type RecordedCommand } from "../cmd-file.js";
import { depfileOf } from "./plan.js";
import { createKbuildOutputParser, type Diagnostic } from "../parse-output.js";

export interface StepRunnerOptions {
  dir: string;
  kernel: KernelTarget;
  environment: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
}

export interface StepRunner {
  compile(recorded: RecordedCommand): Promise<boolean>;
  // label: kbuild's step name ("LD [M]"), printed before the command runs.
  run(target: string, command: string, label: string): Promise<boolean>;
  // Targets a command of this run wrote.
  readonly written: ReadonlySet<string>;
  aborted(): boolean;
  diagnostics(): Diagnostic[];
  close(): Promise<string>;
}

export function createStepRunner(options: StepRunnerOptions): StepRunner {
  const { dir, kernel, environment, signal } = options;
  const started = performance.now();
  const log = openBuildLog(dir, kernel.release, {
    command: "kforge fast rebuild: the commands kbuild recorded in .cmd files",
    kdir: kernel.kdir,
  });
  const parser = createKbuildOutputParser(dir);
  const written = new Set<string>();
  const print = (line: string, stream: "stdout" | "stderr") => {
    log.writeLine(line);
    options.onEvent?.({ kind: "output", line, stream });
    for (const event of parser.parseLine(line)) options.onEvent?.(event);
  };
  options.onEvent?.({ kind: "start", command: "fast rebuild (kbuild's recorded commands)", log: log.path });

  const runShell = async (target: string, command: string, label: string): Promise<boolean> => {
    print(`  ${label.padEnd(7)} ${target}`, "stdout");
    log.writeLine(`# ${command}`);
    const result = await run("sh", ["-c", command], { cwd: kernel.kdir, env: environment, signal, processGroup: true, onLine: print });
    written.add(target);
    if (result.exitCode === 0 && !result.canceled) return true;
    await rm(target, { force: true });
    return false;
  };

  return {
    written,
    aborted: () => Boolean(signal?.aborted),
    diagnostics: () => parser.diagnostics(),
    run: runShell,
    async compile(recorded) {
      const depfile = depfileOf(recorded.command)!;
      const label = recorded.target.endsWith(".mod.o") || !recorded.source?.endsWith(".S") ? "CC [M]" : "AS [M]";
      if (!(await runShell(recorded.target, unescapeMakeCommand(recorded.command), label))) return false;
      // fixdep wants the command as make recorded it, escapes included.
      const fixdep = await run(join(kernel.kdir, "scripts", "basic", "fixdep"), [depfile, recorded.target, recorded.command], {
        cwd: kernel.kdir,
        env: environment,
        signal,
      });
      await rm(resolve(kernel.kdir, depfile), { force: true });
      if (fixdep.exitCode !== 0) {
        await rm(recorded.target, { force: true });
        return false;
      }
      const commandFile = join(dirname(recorded.target), `.${basename(recorded.target)}.cmd`);
      const objtool = recorded.objtoolDependency ? `\n${recorded.objtoolDependency}\n` : "";
      await writeFile(`${commandFile}.tmp`, fixdep.stdout + objtool);
      await rename(`${commandFile}.tmp`, commandFile);
      return true;
    },
    async close() {
      await log.close({
        exitCode: 0,
        signal: undefined,
        durationMs: Math.round(performance.now() - started),
        interrupted: Boolean(signal?.aborted),
      });
      return log.path;
    },
  };
}
