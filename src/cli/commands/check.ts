// `kforge check [dir]`: flags and kforge.json into the checker engine (src/check/), then its report
// in text or JSON and the CI reports.
import { availableParallelism } from "node:os";
import { basename, resolve } from "node:path";
import { checkResultJson } from "../../check/json.js";
import { runCheck } from "../../check/runner.js";
import { resolveCheckSettings } from "../../check/settings.js";
import { loadConfig } from "../../config/kforge-json.js";
import { ExitCode } from "../../errors.js";
import { assertReportWritable } from "../../fs/files.js";
import { objectToVariables, validateMakeVariables } from "../../kbuild/make-arguments.js";
import { selectKernel } from "../../kernel/select.js";
import { writeCheckReports } from "../../report/check-reports.js";
import { formatCheckNotices, formatCheckReport } from "../../ui/check-report.js";
import { createPalette } from "../../ui/color.js";
import { loadSourceLines } from "../../ui/diagnostics.js";
import type { CommandContext } from "../context.js";
import { checkReportOptions } from "./build-reports.js";

export interface CheckCommandOptions {
  dir?: string;
  kernel?: string;
  kdir?: string;
  checker?: string[];
  failOn?: string;
  timeout?: number;
  jobs?: number;
  source?: string;
  json?: boolean;
  sarif?: string;
  annotations?: string;
  codequality?: string;
}

export async function checkCommand(options: CheckCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  checkReportOptions(options);
  for (const [option, file] of [
    ["--sarif", options.sarif],
    ["--codequality", options.codequality],
  ] as const)
    if (file !== undefined) await assertReportWritable(resolve(context.cwd, file), option);
  const settings = resolveCheckSettings(options, config.check, { cwd: context.cwd, dir });
  const named = options.kernel !== undefined || options.kdir !== undefined;
  const kernel = await selectKernel({
    kernel: named ? options.kernel : [config.kernel ?? []].flat()[0],
    kdir: named ? options.kdir : config.kdir,
    env: context.env,
  });
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  const make = config.make ?? {};
  const result = await runCheck({
    dir,
    kernel,
    settings,
    make: {
      llvm: make.llvm,
      arch: make.arch,
      crossCompile: make.crossCompile,
      variables: [...objectToVariables(make.variables), ...validateMakeVariables(context.extraArgs)],
    },
    jobs: options.jobs ?? availableParallelism(),
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
