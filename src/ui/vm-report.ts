// Pure: the human summary of a guest run (kforge vm without --json).
import type { Palette } from "./color.js";
import type { StepResult, VmResult } from "../vm/report.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const indent = (lines: string[], prefix = "      ") => lines.map((line) => `${prefix}${line}`);

function formatStep(step: StepResult, palette: Palette): string[] {
  const status = step.ok ? palette.green("ok  ") : palette.red("FAIL");
  const exit = step.exitCode !== undefined && step.exitCode !== 0 ? ` (exit ${step.exitCode})` : "";
  const lines = [`  ${status} ${step.name}${exit} ${palette.dim(seconds(step.durationMs))}`];
  const output = step.output.replace(/\n$/, "");
  if (output) lines.push(...indent(output.split("\n")));
  const log = step.kernelLog.slice(0, 30);
  if (log.length) lines.push(...indent(log, palette.dim("    | ")));
  if (step.kernelLog.length > log.length) lines.push(palette.dim(`    | ... ${step.kernelLog.length - log.length} more lines in the console log`));
  if (step.diagnosis) {
    lines.push(`    ${palette.red(step.diagnosis.title)}: ${step.diagnosis.detail}`);
    lines.push(`    ${palette.dim("hint:")} ${step.diagnosis.hint}`);
  }
  return lines;
}

function formatCrash(crash: VmResult["crashes"][number], palette: Palette): string[] {
  const where = crash.function ? ` in ${crash.function}${crash.module ? ` [${crash.module}]` : ""}` : "";
  const lines = [palette.red(`  ${crash.kind}${where}${crash.step ? ` during "${crash.step}"` : ""}`), `    ${crash.title}`];
  const rip = crash.log.find((line) => line.startsWith("RIP: "));
  if (rip) lines.push(`    ${rip}`);
  const trace = crash.log.slice(crash.log.indexOf("Call Trace:") + 1).filter((line) => /^\s+[\w.]+\+0x/.test(line)).slice(0, 6);
  if (crash.log.includes("Call Trace:")) lines.push("    Call Trace:", ...indent(trace.map((line) => line.trim())));
  return lines;
}

export function formatVmReport(result: VmResult, palette: Palette): string {
  const lines = [
    `${palette.bold(`kernel ${result.release}`)} (${result.accel}, ${result.bootEntry === "pvh" ? "vmlinux via PVH" : "bzImage"}), booted in ${seconds(result.bootMs)}`,
  ];
  for (const step of result.steps) lines.push(...formatStep(step, palette));
  if (result.crashes.length) {
    lines.push(palette.red(`${result.crashes.length} kernel crash report${result.crashes.length > 1 ? "s" : ""}:`));
    for (const crash of result.crashes) lines.push(...formatCrash(crash, palette));
  }
  const taint = result.taint;
  lines.push(`taint: ${taint.before} (${taint.lettersBefore || "none"}) -> ${taint.after} (${taint.letters || "none"})`);
  if (result.diagnosis) lines.push(palette.red(result.diagnosis));
  const failed = result.steps.filter((step) => !step.ok).length;
  if (result.ok) lines.push(palette.green(`ok: ${result.steps.length} steps passed, kernel log clean`));
  else {
    lines.push(palette.red(`failed: ${failed} of ${result.steps.length} steps failed${result.crashes.length ? `, ${result.crashes.length} crash report(s)` : ""}`));
    if (result.consoleLog) lines.push(`full console log: ${result.consoleLog}`);
  }
  return `${lines.join("\n")}\n`;
}
