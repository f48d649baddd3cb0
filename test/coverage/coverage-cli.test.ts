// Bad input to --coverage through the real CLI, refused before anything is built or booted (exit 2,
// the reason and what to do next): a kernel tree without gcov, report flags without --coverage, a
// host watch.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-coverage-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, "twofunc");
cpSync(new URL("../fixtures/coverage-project/", import.meta.url).pathname, dir, { recursive: true });

describe("--coverage refusals", () => {
  it("a --kdir tree without CONFIG_GCOV_KERNEL: says so and names the kernel that has gcov", async () => {
    const stock = kernel612();
    const run = await runKforge(["test", "--vm", dir, "--coverage", "--kernel", stock.release, "--kdir", stock.kdir, "--json"]);
    expect(run.exitCode).toBe(2);
    const failure = JSON.parse(run.stdout);
    expect(failure.ok).toBe(false);
    expect(failure.error.message).toBe(
      `${stock.release} (--kdir ${stock.kdir}) has no gcov support (CONFIG_GCOV_KERNEL), so a module built against it records no coverage`,
    );
    expect(failure.error.hint).toBe(
      "drop --kdir: kforge test --coverage then uses kforge's debug kernel of the " +
        "release, which has gcov (built once with kforge kernel build 6.12 --debug)",
    );
    expect(run.stderr).not.toMatch(/^built: /m);
  });

  it("report flags without --coverage", async () => {
    const run = await runKforge(["vm", dir, "--coverage-format", "html"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--coverage-format sets up coverage reports, but --coverage was not given");
    expect(run.stderr).toContain("hint: add --coverage");
    const bad = await runKforge(["test", "--vm", dir, "--coverage", "--coverage-format", "xml"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--coverage-format takes lcov, cobertura or html, got "xml"');
  });

  it("watch --host --coverage", async () => {
    const run = await runKforge(["watch", dir, "--host", "--coverage"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--coverage reads the counters of a guest kernel with gcov");
  });
});
