// Pure: KTAP v1 (Documentation/dev-tools/ktap.rst) as KUnit prints it into the kernel log, read
// from lines that also carry other kernel messages, kernel log prefixes and timestamps. Subtests are
// the same format indented by 4 spaces per level; a test's own result line follows its subtests.
// A crash inside a test can end the log before the plan is complete: such tests have no result.
import { classifyCrashLine } from "./crash.js";
import { stripKernelLogPrefix } from "./module-messages.js";

export interface KtapTest {
  number: number;
  name: string;
  // "missing" when the log ended (or a new document began) before the test's result line.
  result: "ok" | "not ok" | "missing";
  directive?: { kind: "SKIP" | "TODO"; reason: string };
  // Diagnostic and free-text lines printed at this test's level before its result, without indentation.
  diagnostics: string[];
  // Lines between the subtests' version and plan lines, e.g. "Subtest: demo", "module: demo_test".
  header: string[];
  subtests: KtapTest[];
  // The subtests' plan, when there was one.
  planned?: number;
  // The first crash header (Oops, BUG, KASAN, ...) printed while this test ran.
  crash?: string;
}

export interface KtapDocument {
  version: number;
  planned?: number;
  tests: KtapTest[];
}

interface Pending {
  diagnostics: string[];
  crash?: string;
  child?: Level;
}

interface Level {
  depth: number;
  planned?: number;
  header: string[];
  tests: KtapTest[];
  pending: Pending;
}

const VERSION = /^K?TAP version (\d+)$/;
const PLAN = /^1\.\.(\d+)$/;
// KTAP names carry no "#": it starts the directive.
const RESULT = /^(ok|not ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(SKIP|TODO)\b\s*(.*))?$/i;
const DIAGNOSTIC = /^#\s?(.*)$/;
const INDENT = 4;

const newLevel = (depth: number): Level => ({ depth, header: [], tests: [], pending: { diagnostics: [] } });

export function parseKtap(lines: readonly string[]): KtapDocument[] {
  const documents: KtapDocument[] = [];
  let stack: Level[] = [];
  let version = 1;
  const finishDocument = () => {
    const root = stack[0];
    if (!root) return;
    closeLevels(stack, 0);
    documents.push({ version, ...(root.planned !== undefined ? { planned: root.planned } : {}), tests: root.tests });
    stack = [];
  };
  for (const raw of lines) {
    const line = stripKernelLogPrefix(raw);
    const indent = line.length - line.trimStart().length;
    const content = line.trim();
    const depth = indent % INDENT === 0 ? indent / INDENT : -1;
    const versionMatch = VERSION.exec(content);
    if (versionMatch && depth === 0) {
      finishDocument();
      version = Number(versionMatch[1]);
      stack = [newLevel(0)];
      continue;
    }
    if (stack.length === 0) continue;
    if (!(depth >= 0 && depth <= stack.length && readStructure(stack, depth, content, versionMatch !== null)))
      readOther(stack, indent, content);
    // A complete plan ends the document: later kernel messages (an oops in rmmod) are not its tests.
    const root = stack[0]!;
    if (root.planned !== undefined && root.tests.length >= root.planned) finishDocument();
  }
  finishDocument();
  return documents;
}

// Version, plan, subtest and result lines at a known depth; false when the line is none of them.
function readStructure(stack: Level[], depth: number, content: string, isVersion: boolean): boolean {
  const plan = PLAN.exec(content);
  const result = RESULT.exec(content);
  const diagnostic = DIAGNOSTIC.exec(content);
  if (!isVersion && !plan && !result && !diagnostic) return false;
  if (diagnostic && depth < stack.length) {
    const level = stack[depth]!;
    const isHeader = depth === stack.length - 1 && level.tests.length === 0 && level.planned === undefined && depth > 0;
    (isHeader ? level.header : level.pending.diagnostics).push(diagnostic[1]!);
    return true;
  }
  // A deeper level opens under the pending test of the level above (its version line, or whatever comes first).
  if (depth === stack.length) {
    if (depth === 0) return false;
    const level = newLevel(depth);
    stack.at(-1)!.pending.child = level;
    stack.push(level);
  }
  if (isVersion) return true;
  const level = stack[depth]!;
  if (diagnostic) level.header.push(diagnostic[1]!);
  else if (plan) level.planned = Number(plan[1]);
  else if (result) {
    closeLevels(stack, depth + 1);
    level.tests.push(
      toTest(level.pending, Number(result[2]), result[3] ?? "", result[1]!.toLowerCase() as "ok" | "not ok", result[4], result[5]),
    );
    level.pending = { diagnostics: [] };
  }
  return true;
}

// Free text under a test (KUnit's "Expected ... but" lines) belongs to the deepest level its
// indentation reaches; unindented lines are other kernel messages, of which crash headers are kept.
function readOther(stack: Level[], indent: number, content: string): void {
  if (content === "") return;
  if (indent >= INDENT) {
    stack[Math.min(Math.floor(indent / INDENT), stack.length - 1)]!.pending.diagnostics.push(content);
    return;
  }
  if (classifyCrashLine(content) === undefined) return;
  for (const level of stack) level.pending.crash ??= content;
}

function toTest(pending: Pending, number: number, name: string, result: KtapTest["result"], directive?: string, reason?: string): KtapTest {
  const child = pending.child;
  return {
    number,
    name: name.trim() || child?.header.map((line) => /^Subtest: (.+)$/.exec(line)?.[1]).find(Boolean) || `test ${number}`,
    result,
    ...(directive ? { directive: { kind: directive.toUpperCase() as "SKIP" | "TODO", reason: (reason ?? "").trim() } } : {}),
    diagnostics: pending.diagnostics,
    header: child?.header ?? [],
    subtests: child?.tests ?? [],
    ...(child?.planned !== undefined ? { planned: child.planned } : {}),
    ...(pending.crash ? { crash: pending.crash } : {}),
  };
}

// Ends every level from `depth` down: a test that had started (output, subtests or a crash) but
// printed no result is recorded as missing, named from its "name: ..." diagnostics when it has them.
function closeLevels(stack: Level[], depth: number): void {
  while (stack.length > depth) {
    const level = stack.pop()!;
    const pending = level.pending;
    if (pending.child || pending.crash || (level.depth > 0 && pending.diagnostics.length > 0)) {
      const named = pending.diagnostics.map((line) => /^([\w.]+): /.exec(line)?.[1]).find(Boolean);
      level.tests.push(toTest(pending, level.tests.length + 1, pending.child ? "" : (named ?? ""), "missing"));
    }
    level.pending = { diagnostics: [] };
  }
}
