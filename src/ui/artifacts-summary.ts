// Pure: the human report of the files a guest run copied back ($KFORGE_ARTIFACTS), printed after the
// run's report: where they went and how many, each refusal with its reason. Names came from the
// guest: every one is shown with its control characters escaped.
import { relative } from "node:path";
import { formatBytes } from "../vm/artifacts/collect.js";
import type { ArtifactsResult } from "../vm/artifacts/result.js";
import { showLine } from "../text/visible-text.js";
import type { Palette } from "./color.js";

// Nothing when there was nothing to copy; a run that ended before the copy says so only when steps ran.
export function formatArtifacts(result: ArtifactsResult, palette: Palette, cwd?: string, stepsRan = true): string {
  const heading = `artifacts on ${result.release}`;
  if (result.status === "not-collected")
    return stepsRan ? `${palette.yellow(`${heading}: not collected`)}: ${showLine(result.reason)}\n` : "";
  if (result.files.length === 0 && result.refused.length === 0 && !result.partial) return "";
  const shownDir = cwd === undefined || relative(cwd, result.dir).startsWith("..") ? result.dir : relative(cwd, result.dir);
  const count = `${result.files.length} file${result.files.length === 1 ? "" : "s"} (${formatBytes(result.bytes)})`;
  const out = [palette.bold(`${heading}: ${count} in ${showLine(shownDir)}/`)];
  if (result.partial) out.push(palette.yellow(`  partial: ${showLine(result.partialReason ?? "")}`));
  for (const file of result.files) out.push(palette.dim(`  ${showLine(file.path)}  ${formatBytes(file.bytes)}`));
  for (const refusal of result.refused) out.push(palette.yellow(`  refused ${showLine(refusal.name)}: ${refusal.reason}`));
  return `${out.join("\n")}\n`;
}
