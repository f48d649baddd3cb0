// Pure: the human summary of a guest run (kforge vm without --json). Everything the guest or a
// module wrote goes through showControls (visible-text.ts).
import type { Palette } from "./color.js";
import type { StepResult, VmResult } from "../vm/report.js";
import { showControls, showLine } from "../text/visible-text.js";

const BOOT_ENTRIES: Record<VmResult["bootEntry"], string> = { pvh: "vmlinux via PVH", bzimage: "bzImage", image: "Image" };
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const indent = (lines: string[], prefix = "      ") => lines.map((line) => `${prefix}${showLine(line)}`);

export function formatStep(step: StepResult, palette: Palette): string[] {
  const status = step.ok ? palette.green("ok  ") : palette.red("FAIL");
  const exit = step.exitCode !== undefined && step.exitCode !== 0 ? ` (exit ${step.exitCode})` : "";
  const lines = [`  ${status} ${showLine(step.name)}${exit} ${palette.dim(seconds(step.durationMs))}`];
  const output = step.output.replace(/\n$/, "");
  if (output) lines.push(...indent(output.split("\n")));
  const log = step.kernelLog.slice(0, 30);
  if (log.length) lines.push(...indent(log, palette.dim("    | ")));
  const more = step.kernelLog.length - log.length + (step.kernelLogDropped ?? 0);
  const dropped = step.kernelLogDropped ? ` (${step.kernelLogDropped} lines dropped from memory)` : "";
  if (more > 0) lines.push(palette.dim(`    | ... ${more} more lines in the console log${dropped}`));
  if (step.diagnosis) {
    lines.push(`    ${palette.red(showLine(step.diagnosis.title))}: ${showControls(step.diagnosis.detail)}`);
    lines.push(`    ${palette.dim("hint:")} ${showControls(step.diagnosis.hint)}`);
  }
  return lines;
}

export function formatCrash(crash: VmResult["crashes"][number], palette: Palette): string[] {
  const where = crash.function
    ? ` in ${crash.function}${crash.module ? ` [${crash.module}]` : ""}${crash.source ? ` at ${crash.source}` : ""}`
    : "";
  const lines = [
    palette.red(showLine(`  ${crash.kind}${where}${crash.step ? ` during "${crash.step}"` : ""}`)),
    `    ${showLine(crash.title)}`,
  ];
  // A user-space RIP (segment 0033) is the syscall insmod made, not the fault.
  const rip = crash.log.find((line) => line.startsWith("RIP: ") && !line.startsWith("RIP: 0033:"));
  if (rip) lines.push(`    ${showLine(rip)}`);
  const trace = crash.log
    .slice(crash.log.indexOf("Call Trace:") + 1)
    .filter((line) => /^\s+[\w.]+\+0x/.test(line))
    .slice(0, 6);
  if (crash.log.includes("Call Trace:")) lines.push("    Call Trace:", ...indent(trace.map((line) => line.trim())));
  // kmemleak's allocation backtrace, with the project module's frames named (leak-check.ts).
  const backtrace = crash.log.findIndex((line) => line.trim().startsWith("backtrace"));
  if (crash.kind === "memory-leak" && backtrace >= 0)
    lines.push("    allocated at:", ...indent(crash.log.slice(backtrace + 1, backtrace + 7).map((line) => line.trim())));
  return lines;
}

// Only when something did not load or the kernel oopsed: a clean run's steps already say it all.
function formatModules(result: VmResult, palette: Palette): string[] {
  const { planned, loaded, failed, skipped } = result.modules;
  const lines = result.taintedAfter
    ? [
        palette.red(
          `the kernel oopsed during "${result.taintedAfter}": every later step ran on a kernel tainted D, so its result may not hold`,
        ),
      ]
    : [];
  if (!result.booted || (failed.length === 0 && skipped.length === 0)) return lines;
  const skippedNames = skipped.map((entry) => (entry.provider ? `${entry.module} (needs ${entry.provider})` : entry.module));
  lines.unshift(
    `modules: ${loaded} of ${planned} loaded${failed.length ? `; failed: ${failed.join(", ")}` : ""}` +
      `${skipped.length ? `; skipped: ${skippedNames.join(", ")}` : ""}`,
  );
  return lines;
}

function formatTaint(taint: VmResult["taint"]): string {
  const describe = (value: number | null, letters: string | null) => (value === null ? "unknown" : `${value} (${letters || "none"})`);
  return `taint: ${describe(taint.before, taint.lettersBefore)} -> ${describe(taint.after, taint.letters)}`;
}

function formatSummary(result: VmResult, palette: Palette): string {
  const skipped = result.skipped.length ? `, ${result.skipped.length} skipped` : "";
  if (result.ok) {
    const checked = result.steps.some((step) => step.kind === "exec") ? "" : " (load and unload only: no test steps)";
    return palette.green(`ok: ${result.steps.length} steps passed${checked}${skipped}, kernel log clean`);
  }
  if (!result.booted) return palette.red("failed: the guest did not boot, so no step ran");
  if (result.steps.length === 0) return palette.red(`failed: no step ran${skipped}`);
  const failed = result.steps.filter((step) => !step.ok).length;
  const crashes = result.crashes.length ? `, ${result.crashes.length} crash report(s)` : "";
  return palette.red(
    `${result.end === "interrupted" ? "interrupted" : "failed"}: ${failed} of ${result.steps.length} steps failed${crashes}${skipped}`,
  );
}

export function formatVmReport(result: VmResult, palette: Palette): string {
  const boot = result.booted ? `, booted in ${seconds(result.bootMs)}` : "";
  const lines = [`${palette.bold(`kernel ${showLine(result.release)}`)} ` + `(${result.accel}, ${BOOT_ENTRIES[result.bootEntry]})${boot}`];
  for (const step of result.steps) lines.push(...formatStep(step, palette));
  if (result.booted) for (const step of result.skipped) lines.push(palette.dim(`  skip ${step.name} (${step.reason})`));
  if (result.crashes.length) {
    lines.push(palette.red(`${result.crashes.length} kernel crash report${result.crashes.length > 1 ? "s" : ""}:`));
    for (const crash of result.crashes) lines.push(...formatCrash(crash, palette));
  }
  lines.push(...formatModules(result, palette));
  if (result.diagnosis) lines.push(palette.red(showControls(result.diagnosis)));
  if (result.hint) lines.push(`${palette.dim("hint:")} ${showControls(result.hint)}`);
  lines.push(result.booted ? formatTaint(result.taint) : "taint: unknown (the guest did not boot)");
  lines.push(formatSummary(result, palette));
  if (!result.ok && result.consoleLog) lines.push(`full console log: ${result.consoleLog}`);
  return `${lines.join("\n")}\n`;
}
