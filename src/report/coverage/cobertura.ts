// Pure: a Cobertura XML report (coverage-04.dtd), which GitLab's coverage visualization, Jenkins and
// most CI services read: one package per source dir, one class per source file, its functions as
// methods and its lines with hits and branch coverage. Filenames are relative to the <source>, the
// module dir.
import { dirname } from "node:path";
import { escapeXml } from "../xml.js";
import type { CoverageReport, FileCoverage, LineCount, Tally } from "../../coverage/model.js";

// Nothing to cover counts as covered, as Cobertura's own tools write it.
const rate = (tally: Tally) => (tally.total === 0 ? 1 : tally.hit / tally.total).toFixed(4);

export function renderCobertura(report: CoverageReport, options: { timestamp: number; version: string }): string {
  const { lines, branches } = report.totals;
  const packages = new Map<string, FileCoverage[]>();
  for (const file of report.files) {
    const name = dirname(file.path) === "." ? "." : dirname(file.path);
    packages.set(name, [...(packages.get(name) ?? []), file]);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    `<coverage line-rate="${rate(lines)}" branch-rate="${rate(branches)}" lines-covered="${lines.hit}" ` +
      `lines-valid="${lines.total}" branches-covered="${branches.hit}" branches-valid="${branches.total}" ` +
      `complexity="0" version="kforge ${escapeXml(options.version)}" timestamp="${options.timestamp}">`,
    `  <sources>\n    <source>${escapeXml(report.dir)}</source>\n  </sources>`,
    "  <packages>",
    ...[...packages].map(([name, files]) => renderPackage(name, files)),
    "  </packages>",
    "</coverage>",
    "",
  ].join("\n");
}

function renderPackage(name: string, files: FileCoverage[]): string {
  const lines = files.reduce((sum, file) => ({ hit: sum.hit + file.lines.hit, total: sum.total + file.lines.total }), { hit: 0, total: 0 });
  const branches = files.reduce((sum, file) => ({ hit: sum.hit + file.branches.hit, total: sum.total + file.branches.total }), {
    hit: 0,
    total: 0,
  });
  return [
    `    <package name="${escapeXml(name)}" line-rate="${rate(lines)}" branch-rate="${rate(branches)}" complexity="0">`,
    "      <classes>",
    ...files.map(renderClass),
    "      </classes>",
    "    </package>",
  ].join("\n");
}

function renderClass(file: FileCoverage): string {
  const methods = file.functionList.map((item) => {
    const own = file.lineCounts.filter((line) => line.line === item.line);
    return [
      `            <method name="${escapeXml(item.name)}" signature="" ` +
        `line-rate="${rate(item.lines)}" branch-rate="${rate(item.branches)}" complexity="0">`,
      `              <lines>${own.map((line) => `<line number="${line.line}" hits="${item.calls}"/>`).join("")}</lines>`,
      "            </method>",
    ].join("\n");
  });
  return [
    `        <class name="${escapeXml(file.path.replace(/[/.]/g, "_"))}" filename="${escapeXml(file.path)}" ` +
      `line-rate="${rate(file.lines)}" branch-rate="${rate(file.branches)}" complexity="0">`,
    "          <methods>",
    ...methods,
    "          </methods>",
    "          <lines>",
    ...file.lineCounts.map((line) => `            ${renderLine(line)}`),
    "          </lines>",
    "        </class>",
  ].join("\n");
}

function renderLine(line: LineCount): string {
  const branches = line.branches ?? [];
  if (branches.length === 0) return `<line number="${line.line}" hits="${line.count}" branch="false"/>`;
  const taken = branches.filter((count) => count > 0).length;
  const percent = Math.round((100 * taken) / branches.length);
  return `<line number="${line.line}" hits="${line.count}" branch="true" condition-coverage="${percent}% (${taken}/${branches.length})"/>`;
}
