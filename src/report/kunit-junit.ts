// Pure: JUnit XML for a run's KUnit results: one <testsuite> per KUnit suite, one <testcase> per
// KUnit case; a suite module that produced nothing, and planned cases that never ran, are errors.
// Without KUnit in the kernel, each source that declares suites is one skipped case.
import type { KunitCase } from "../kernel-log/kunit-results.js";
import type { KunitRun } from "../vm/kunit-run.js";
import { renderJunitSuites, type JunitCase, type JunitSuite } from "./junit.js";

// KTAP gives no durations.
const junitCase = (name: string, classname: string, rest: Pick<JunitCase, "outcome" | "message" | "type" | "details">): JunitCase => ({
  name,
  classname,
  durationMs: 0,
  ...rest,
});

function kunitCase(item: KunitCase, classname: string): JunitCase {
  const details = item.diagnostics.join("\n");
  if (item.status === "skipped") return junitCase(item.name, classname, { outcome: "skipped", message: item.reason ?? "skipped" });
  if (item.status === "failed")
    return junitCase(item.name, classname, { outcome: "failed", message: item.reason ?? "failed", type: "kunit", details });
  if (item.status === "crashed")
    return junitCase(item.name, classname, { outcome: "error", message: item.reason ?? "crashed", type: "crash", details });
  return junitCase(item.name, classname, { outcome: "passed", details });
}

function collectSuites(run: KunitRun): JunitSuite[] {
  if (!run.ran) {
    const skipped = { outcome: "skipped", message: run.reason ?? "KUnit did not run" } as const;
    return [{ name: "kunit", durationMs: 0, cases: run.sources.map((source) => junitCase(source, "kunit", skipped)) }];
  }
  const suites = run.suites.map((suite): JunitSuite => {
    const classname = suite.module ? `${suite.module}.${suite.name}` : suite.name;
    const cases = suite.cases.map((item) => kunitCase(item, classname));
    if (suite.notRun > 0)
      cases.push(
        junitCase(`(${suite.notRun} planned cases)`, classname, {
          outcome: "error",
          message: "never ran: the run ended first",
          type: "not-run",
        }),
      );
    return { name: suite.name, durationMs: 0, cases };
  });
  const missing = run.notRun.map(
    (entry): JunitSuite => ({
      name: entry.module,
      durationMs: 0,
      cases: [junitCase("(suites)", entry.module, { outcome: "error", message: entry.reason, type: "not-run" })],
    }),
  );
  return [...suites, ...missing];
}

export function renderKunitJunit(run: KunitRun, release: string): string {
  return renderJunitSuites(collectSuites(run), `kunit ${release}`);
}
