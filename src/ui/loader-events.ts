// Text for the host loader's events: each step, the kernel log lines it caused (coloured by level,
// with an explanation for the well-known ones), and a failure's diagnosis. Pure.
import { explainKernelLine } from "../kernel-log/explain.js";
import type { Palette } from "./color.js";
import type { Diagnosis } from "../loader/diagnose.js";
import type { LoaderEvent } from "../loader/host-loader.js";
import { showControls, showLine } from "../text/visible-text.js";

function paintLevel(level: number, palette: Palette): (text: string) => string {
  if (level <= 3) return palette.red;
  if (level === 4) return palette.yellow;
  if (level === 7) return palette.dim;
  return (text) => text;
}

export function formatLoaderEvent(event: LoaderEvent, palette: Palette): string {
  switch (event.kind) {
    case "step":
      return `${palette.cyan("$")} ${event.command}\n`;
    case "kernel-log": {
      const explanation = explainKernelLine(event.record.message);
      const line = `  ${palette.dim("kernel:")} ${paintLevel(event.record.level, palette)(showLine(event.record.message))}\n`;
      return explanation ? `${line}    ${palette.dim(`-> ${explanation}`)}\n` : line;
    }
    case "done":
      return `  ${palette.green("ok")} ${event.module} ${event.action === "rmmod" ? "unloaded" : `is ${event.state}`}\n`;
    case "note":
      return `  ${palette.dim(`note: ${showLine(event.message)}`)}\n`;
  }
}

export function formatDiagnosis(diagnosis: Diagnosis, palette: Palette): string {
  return (
    `${palette.red("error:")} ${showControls(diagnosis.title)}\n` +
    `  ${showControls(diagnosis.detail)}\n${palette.dim("hint:")} ${showControls(diagnosis.hint)}\n`
  );
}
