// `kforge check [dir]`: the project's kernel, make settings and kforge.json `check` section into the
// checker engine (src/check/), then its report in text or JSON and the CI reports.
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { checkResultJson } from "../../check/json.js";
import { runCheck } from "../../check/runner.js";
import { type CheckFlags, resolveCheckSettings } from "../../check/settings.js";
import { ExitCode } from "../../errors.js";
import { assertWritableOutputs } from "../../fs/check-path.js";
import { openProject } from "../../project/project.js";
import { checkReportOptions } from "../../report/build-reports.js";
import { type CheckReportOptions, writeCheckReports } from "../../report/check-reports.js";
import { formatCheckNotices, formatCheckReport } from "../../ui/check-report.js";
import { createPalette } from "../../ui/color.js";
import { loadSourceLines } from "../../ui/diagnostics.js";
import type { CommandContext } from "../context.js";

export interface CheckCommandOptions extends CheckFlags, CheckReportOptions {
  dir?: string;
  kernel?: string[];
  kdir?: string;
  jobs?: number;
}

export async function checkCommand(options: CheckCommandOptions, context: CommandContext): Promise<number> {
  checkReportOptions(options);
  await assertWritableOutputs(context.cwd, { "--sarif": options.sarif, "--codequality": options.codequality });
  const project = await openProject({ ...context, command: "check", dir: options.dir, flags: options, extraArgsAreMakeVariables: true });
  const { dir, make } = project;
  const settings = resolveCheckSettings(options, project.config.check, { cwd: context.cwd, dir });
  const kernel = await project.kernel();
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  const result = await runCheck({
    dir,
    kernel,
    settings,
    make: { llvm: make.llvm, arch: make.arch, crossCompile: make.crossCompile, variables: make.variables ?? [] },
    jobs: make.jobs ?? availableParallelism(),
    cwd: context.cwd,
    env: context.env,
    signal: context.signal,
    onProgress: options.json ? undefined : (message) => context.stderr.write(`kforge: check ${basename(dir)}: ${message}\n`),
  });
  await writeCheckReports(result, dir, options, context);
  context.stderr.write(formatCheckNotices(result, createPalette(context.stderr as NodeJS.WriteStream)));
  if (options.json) context.stdout.write(`${JSON.stringify(checkResultJson(result))}\n`);
  else {
    const palette = createPalette(context.stdout as NodeJS.WriteStream);
    context.stdout.write(formatCheckReport(result, palette, loadSourceLines(dir, result.findings), basename(dir)));
  }
  return result.ok ? ExitCode.ok : ExitCode.failed;
}
