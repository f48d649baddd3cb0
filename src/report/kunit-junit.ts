// Pure: JUnit XML for a run's KUnit results: one <testsuite> per KUnit suite, one <testcase> per
// KUnit case; a suite module that produced nothing, and planned cases that never ran, are errors.
// Without KUnit in the kernel, each source that declares suites is one skipped case.
import type { KunitCase } from "../kernel-log/kunit-results.js";
import type { KunitRun } from "../vm/kunit-run.js";
import { escapeXml } from "./junit.js";

interface JunitCase {
  name: string;
  classname: string;
  body: string;
}

const attribute = (text: string) => `"${escapeXml(text)}"`;

function caseBody(item: KunitCase): string {
  const details = escapeXml(item.diagnostics.join("\n"));
  if (item.status === "skipped") return `<skipped message=${attribute(item.reason ?? "skipped")}/>`;
  if (item.status === "failed") return `<failure message=${attribute(item.reason ?? "failed")} type="kunit">${details}</failure>`;
  if (item.status === "crashed") return `<error message=${attribute(item.reason ?? "crashed")} type="crash">${details}</error>`;
  return details ? `<system-out>${details}</system-out>` : "";
}

function renderSuite(name: string, cases: JunitCase[]): string {
  const count = (tag: string) => cases.filter((item) => item.body.startsWith(`<${tag}`)).length;
  const rendered = cases.map((item) => `    <testcase name=${attribute(item.name)} classname=${attribute(item.classname)}>${item.body}</testcase>\n`);
  return `  <testsuite name=${attribute(name)} tests="${cases.length}" failures="${count("failure")}" errors="${count("error")}" skipped="${count("skipped")}">\n${rendered.join("")}  </testsuite>\n`;
}

function collectSuites(run: KunitRun): { name: string; cases: JunitCase[] }[] {
  if (!run.ran) {
    const reason = `<skipped message=${attribute(run.reason ?? "KUnit did not run")}/>`;
    return [{ name: "kunit", cases: run.sources.map((source) => ({ name: source, classname: "kunit", body: reason })) }];
  }
  const suites = run.suites.map((suite) => {
    const classname = suite.module ? `${suite.module}.${suite.name}` : suite.name;
    const cases = suite.cases.map((item) => ({ name: item.name, classname, body: caseBody(item) }));
    if (suite.notRun > 0) cases.push({ name: `(${suite.notRun} planned cases)`, classname, body: `<error message="never ran: the run ended first" type="not-run"/>` });
    return { name: suite.name, cases };
  });
  const missing = run.notRun.map((entry) => ({ name: entry.module, cases: [{ name: "(suites)", classname: entry.module, body: `<error message=${attribute(entry.reason)} type="not-run"/>` }] }));
  return [...suites, ...missing];
}

export function renderKunitJunit(run: KunitRun, release: string): string {
  const suites = collectSuites(run);
  const all = suites.flatMap((suite) => suite.cases);
  const count = (tag: string) => all.filter((item) => item.body.startsWith(`<${tag}`)).length;
  const body = suites.map((suite) => renderSuite(suite.name, suite.cases)).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name=${attribute(`kunit ${release}`)} tests="${all.length}" failures="${count("failure")}" errors="${count("error")}" skipped="${count("skipped")}">\n${body}</testsuites>\n`;
}
