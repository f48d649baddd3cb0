// `kforge doctor`: what is missing for building, loading and the VM, and how to fix each gap.
import { runChecks, type CheckResult } from "../../doctor/checks.js";
import { createPalette } from "../../ui/color.js";
import { singleRelease } from "../../project/kernels.js";
import type { CommandContext } from "../context.js";

export interface DoctorOptions {
  json?: boolean;
  kernel?: string[];
  kdir?: string;
}

export async function doctorCommand(options: DoctorOptions, context: CommandContext): Promise<number> {
  const checks = await runChecks({ kernel: singleRelease(options.kernel, "doctor"), kdir: options.kdir, env: context.env });
  const buildReady = checks.every((check) => check.ok || !check.required);
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ ok: buildReady, checks }, null, 2)}\n`);
  } else {
    context.stdout.write(formatChecks(checks, context));
    context.stdout.write(buildReady ? "\nThe build path is ready.\n" : formatRequiredFixes(checks));
  }
  return buildReady ? 0 : 1;
}

function formatChecks(checks: CheckResult[], context: CommandContext): string {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const lines: string[] = [];
  for (const area of ["build", "load", "vm"] as const) {
    lines.push(palette.bold(area));
    for (const check of checks.filter((candidate) => candidate.area === area)) {
      const mark = check.ok ? palette.green("ok  ") : check.required ? palette.red("FAIL") : palette.yellow("warn");
      lines.push(`  ${mark} ${check.name.padEnd(19)} ${check.detail}`);
      if (!check.ok && check.fix) lines.push(`       ${" ".repeat(19)} ${palette.dim(`fix: ${check.fix}`)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

// The failed required checks again, as a to-do list: exactly what to install or change.
function formatRequiredFixes(checks: CheckResult[]): string {
  const fixes = checks.filter((check) => check.required && !check.ok).map((check) => `  ${check.name}: ${check.fix ?? check.detail}`);
  return `\nThe build path is not ready. To fix it:\n${fixes.join("\n")}\n`;
}
