// `kforge ci init` through the real CLI in a temp git repository whose module sits in a subdir: the
// GitHub workflow passes a schema-aware checker (action-validator, the SchemaStore workflow schema),
// both files parse as YAML with one job per kernel, every kforge command they name exists with those
// options in `kforge <command> --help`, and their build commands run for real (real kbuild) as the CI
// job's shell would run them, with `kforge` on PATH being this checkout's CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { foreignKernel61, kernel61, kernel612 } from "../helpers/kernels.js";
import { moduleSource } from "../kbuild/modules.js";

const repo = mkdtempSync(join(tmpdir(), "kforge-ci-init-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const moduleDir = join(repo, "drivers", "cimod");
mkdirSync(moduleDir, { recursive: true });
writeFileSync(join(moduleDir, "Makefile"), "obj-m += cimod.o\n");
writeFileSync(join(moduleDir, "cimod.c"), moduleSource("cimod"));
// One semantic patch keeps the check job's real run short; which ones run is kforge check's own test.
writeFileSync(
  join(moduleDir, "kforge.json"),
  JSON.stringify({ kernel: [kernel61().release, kernel612().release], check: { semanticPatches: ["api/memdup"] } }),
);
execFileSync("git", ["init", "-q", repo]);
// The CI job calls `kforge`: here that is this checkout's real CLI.
const bin = join(repo, "..", `${repo.split("/").pop()}-bin`);
mkdirSync(bin);
writeFileSync(join(bin, "kforge"), `#!/bin/sh\nexec "${process.execPath}" "${KFORGE_BIN}" "$@"\n`);
chmodSync(join(bin, "kforge"), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

// kforge is installed from its repository: here a bare clone of this checkout, at its commit.
const KFORGE_ROOT = join(KFORGE_BIN, "..", "..");
const kforgeRepository = join(bin, "kforge.git");
execFileSync("git", ["clone", "--quiet", "--bare", KFORGE_ROOT, kforgeRepository]);
const kforgeCommit = execFileSync("git", ["-C", KFORGE_ROOT, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
const kforgeFrom = ["--kforge-from", `file://${kforgeRepository}#${kforgeCommit}`];

const workflowPath = join(repo, ".github", "workflows", "kforge.yml");
const pipelinePath = join(repo, ".gitlab-ci.yml");

// Shell words of one command line, enough for what the generator writes (double quotes, no escapes inside).
const shellWords = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
const kforgeCommands = (lines: string[]) =>
  lines.flatMap((line) => line.split(/\s*(?:&&|\n)\s*/)).filter((command) => command.startsWith("kforge "));

// Each named command's options must be among those `kforge <command> --help` lists.
async function expectCommandsExist(commands: string[]): Promise<void> {
  expect(commands.length).toBeGreaterThan(0);
  for (const command of commands) {
    const words = shellWords(command.replace(/\s*>.*$/, "")).slice(1);
    const path = words[0] === "kernel" ? words.slice(0, 2) : words.slice(0, 1);
    const help = await runKforge([...path, "--help"]);
    expect(help.exitCode, `${path.join(" ")} --help`).toBe(0);
    for (const option of words.filter((word) => word.startsWith("--")))
      expect(help.stdout, `${command}: ${option}`).toMatch(new RegExp(`^\\s+(?:-\\w, )?${option}\\b`, "m"));
  }
}

function runAsCi(command: string, kernel: string): void {
  execFileSync("sh", ["-ec", command], {
    cwd: repo,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KERNEL: kernel, NO_COLOR: "1", GITHUB_ACTIONS: "" },
    stdio: "pipe",
  });
}

describe("kforge ci init --provider github", () => {
  it("writes a workflow that passes the schema check, with one matrix job per kforge.json kernel", async () => {
    const result = await runKforge(["ci", "init", "drivers/cimod", ...kforgeFrom], { cwd: repo });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `wrote ${workflowPath}: one job per kernel (kforge.json kernel): ${kernel61().release}, ${kernel612().release}`,
    );
    const text = readFileSync(workflowPath, "utf8");
    expect(validateWorkflow(text).errors).toEqual([]);
    const workflow = parse(text);
    const job = workflow.jobs.kforge;
    expect(job.strategy.matrix.kernel).toEqual([kernel61().release, kernel612().release]);
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job.env.KERNEL).toBe("${{ matrix.kernel }}");
    const uses = job.steps.map((step: { uses?: string }) => step.uses).filter(Boolean);
    // The cache keeps the coverage step's debug kernel between runs.
    expect(uses).toEqual(["actions/checkout@v4", "actions/cache@v4", "actions/upload-artifact@v4"]);
    const upload = job.steps.find((step: { uses?: string }) => step.uses === "actions/upload-artifact@v4");
    expect(upload.if).toBe("always()");
    expect(upload.with.path.split("\n").filter(Boolean)).toEqual([
      "drivers/cimod/**/*.ko",
      "kforge-build.json",
      "kforge-build-junit.xml",
      "kforge-test-junit.xml",
      "kforge-coverage/",
    ]);
    const runs: string[] = job.steps.map((step: { run?: string }) => step.run).filter(Boolean);
    expect(runs[0]).toContain('"linux-headers-$KERNEL"');
    const commands = kforgeCommands(runs);
    expect(commands.map((command) => shellWords(command).slice(1, 3).join(" "))).toEqual([
      "build drivers/cimod",
      "kernel fetch",
      "test drivers/cimod",
      "test drivers/cimod",
    ]);
    expect(commands[3]).toContain("--coverage --coverage-output kforge-coverage");
    await expectCommandsExist(commands);
  });

  it("whose build step builds for real for the job's kernel and leaves the JSON and JUnit reports", () => {
    const build = kforgeCommands(
      parse(readFileSync(workflowPath, "utf8")).jobs.kforge.steps.map((step: { run?: string }) => step.run ?? ""),
    ).find((command) => command.startsWith("kforge build"))!;
    runAsCi(build, kernel612().release);
    const report = JSON.parse(readFileSync(join(repo, "kforge-build.json"), "utf8"));
    expect(report.ok).toBe(true);
    expect(report.kernels.map((kernel: { release: string }) => kernel.release)).toEqual([kernel612().release]);
    expect(readFileSync(join(repo, "kforge-build-junit.xml"), "utf8")).toContain(
      `<testsuite name="${kernel612().release}" tests="1" failures="0"`,
    );
    expect(existsSync(join(moduleDir, "cimod.ko"))).toBe(true);
  }, 180_000);

  it("has a check job for the newest kernel whose check step runs for real and leaves its JSON and SARIF", async () => {
    const job = parse(readFileSync(workflowPath, "utf8")).jobs.check;
    expect(job.env.KERNEL).toBe(kernel612().release);
    expect(job.permissions).toEqual({ contents: "read", "security-events": "write" });
    const uses = job.steps.map((step: { uses?: string }) => step.uses).filter(Boolean);
    expect(uses).toEqual(["actions/checkout@v4", "github/codeql-action/upload-sarif@v3", "actions/upload-artifact@v4"]);
    const runs: string[] = job.steps.map((step: { run?: string }) => step.run).filter(Boolean);
    expect(runs[0]).toContain("perl sparse coccinelle");
    const commands = kforgeCommands(runs);
    expect(commands.map((command) => shellWords(command).slice(1, 3).join(" "))).toEqual(["check drivers/cimod"]);
    await expectCommandsExist(commands);
    // Findings that fail the run fail the job (exit 1); the reports are written either way.
    let status = 0;
    try {
      runAsCi(commands[0]!, kernel612().release);
    } catch (error) {
      status = (error as { status: number }).status;
    }
    const report = JSON.parse(readFileSync(join(repo, "kforge-check.json"), "utf8"));
    expect(status).toBe(report.ok ? 0 : 1);
    expect(report.release).toBe(kernel612().release);
    expect(report.checkers.map((checker: { name: string; status: string }) => [checker.name, checker.status])).toEqual([
      ["checkpatch", "ran"],
      ["sparse", "ran"],
      ["w1", "ran"],
      ["coccinelle", "ran"],
    ]);
    expect(JSON.parse(readFileSync(join(repo, "kforge-check.sarif"), "utf8")).version).toBe("2.1.0");
  }, 300_000);

  it("refuses to replace the workflow without --force, says so, and leaves it as it was", async () => {
    writeFileSync(workflowPath, "# edited by hand\n");
    const again = await runKforge(["ci", "init", "drivers/cimod"], { cwd: repo });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`${workflowPath} already exists; kforge ci init never replaces a workflow silently`);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(workflowPath, "utf8")).toBe("# edited by hand\n");
    const forced = await runKforge(["ci", "init", "drivers/cimod", "--force", "--kernels", kernel612().release, ...kforgeFrom], {
      cwd: repo,
    });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(parse(readFileSync(workflowPath, "utf8")).jobs.kforge.strategy.matrix.kernel).toEqual([kernel612().release]);
  });
});

describe("kforge ci init with kernels of other architectures", () => {
  it("puts them in a cross job whose fetch and cross-build steps run for real; the native jobs stay as they were", async () => {
    const arm64 = foreignKernel61("arm64").release;
    const armmp = foreignKernel61("armmp").release;
    const kernels = [kernel612().release, arm64, armmp].join(",");
    const result = await runKforge(["ci", "init", "drivers/cimod", "--force", "--kernels", kernels, ...kforgeFrom], { cwd: repo });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`cross-built and booted under emulation in jobs of their own: ${arm64}, ${armmp}\n`);
    const text = readFileSync(workflowPath, "utf8");
    expect(validateWorkflow(text).errors).toEqual([]);
    const { jobs } = parse(text);
    expect(Object.keys(jobs)).toEqual(["kforge", "kforge-cross", "check"]);
    expect(jobs.kforge.strategy.matrix.kernel).toEqual([kernel612().release]);
    expect(jobs.check.env.KERNEL).toBe(kernel612().release);
    const cross = jobs["kforge-cross"];
    expect(cross.strategy.matrix.kernel).toEqual([arm64, armmp]);
    const runs: string[] = cross.steps.map((step: { run?: string }) => step.run).filter(Boolean);
    // apt learns both architectures (kernel fetch downloads their packages); no linux-headers package.
    expect(runs[0]).toMatch(/^dpkg --add-architecture arm64 && dpkg --add-architecture armhf && apt-get update/);
    for (const name of ["gcc-aarch64-linux-gnu", "gcc-arm-linux-gnueabihf", "qemu-system-arm"]) expect(runs[0]).toContain(` ${name}`);
    expect(runs[0]).not.toContain("linux-headers");
    const commands = kforgeCommands(runs);
    expect(commands.map((command) => shellWords(command).slice(1, 3).join(" "))).toEqual([
      "kernel fetch",
      "build drivers/cimod",
      "test drivers/cimod",
    ]);
    await expectCommandsExist(commands);
    // The fetch finds the kernel already in the cache (scripts/setup.sh fetched it); the build is real.
    runAsCi(commands[0]!, arm64);
    runAsCi(commands[1]!, arm64);
    const report = JSON.parse(readFileSync(join(repo, "kforge-build.json"), "utf8"));
    expect(report.kernels.map((kernel: { release: string }) => kernel.release)).toEqual([arm64]);
    expect(report.ok).toBe(true);

    const gitlab = await runKforge(["ci", "init", "drivers/cimod", "--provider", "gitlab", "--force", "--kernels", arm64, ...kforgeFrom], {
      cwd: repo,
    });
    expect(gitlab.exitCode, gitlab.stderr).toBe(0);
    // Only kernels of another architecture: the cross job alone (the check job needs a native kernel).
    const pipeline = parse(readFileSync(pipelinePath, "utf8"));
    expect(Object.keys(pipeline)).toEqual(["stages", "kforge-cross"]);
    expect(pipeline["kforge-cross"].parallel.matrix).toEqual([{ KERNEL: [arm64] }]);
    expect(pipeline["kforge-cross"].script[0]).toMatch(/^dpkg --add-architecture arm64 && apt-get update/);
    rmSync(pipelinePath);
  }, 180_000);
});

// kforge is not on the npm registry: the job clones its repository and installs it the way the README
// says (npm ci builds dist/, npm link puts kforge on PATH). Run here for real, into a private npm prefix.
describe("the generated workflow's kforge install step", () => {
  it("installs a kforge that runs, from the repository and commit ci init named", () => {
    const install: string = parse(readFileSync(workflowPath, "utf8")).jobs.kforge.steps.find(
      (step: { name?: string }) => step.name === "Install kforge",
    ).run;
    expect(install).toBe(
      `git clone --quiet file://${kforgeRepository} "\${RUNNER_TEMP:-/tmp}/kforge" ` +
        `&& git -C "\${RUNNER_TEMP:-/tmp}/kforge" checkout --quiet ${kforgeCommit}` +
        ` && (cd "\${RUNNER_TEMP:-/tmp}/kforge" && npm ci --no-audit --no-fund && npm link --ignore-scripts --no-audit --no-fund)`,
    );
    expect(install).not.toContain("npm install --global kforge@");
    const temp = mkdtempSync(join(tmpdir(), "kforge-ci-install-"));
    try {
      const prefix = join(temp, "prefix");
      execFileSync("sh", ["-ec", install], {
        cwd: repo,
        env: { ...process.env, RUNNER_TEMP: temp, npm_config_prefix: prefix },
        stdio: "pipe",
      });
      const installed = join(prefix, "bin", "kforge");
      expect(execFileSync(installed, ["--version"], { encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
      expect(execFileSync(installed, ["build", "--help"], { encoding: "utf8" })).toContain("--kernel <release>");
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }, 400_000);

  it("defaults to the origin of the kforge checkout that writes it, or says to pass --kforge-from", async () => {
    const origin = spawnSync("git", ["-C", KFORGE_ROOT, "remote", "get-url", "origin"], { encoding: "utf8" });
    const result = await runKforge(["ci", "init", "drivers/cimod", "--force"], { cwd: repo });
    if (origin.status === 0) {
      expect(result.exitCode, result.stderr).toBe(0);
      expect(readFileSync(workflowPath, "utf8")).toContain(`checkout --quiet ${kforgeCommit}`);
    } else {
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("is not a git checkout with an origin remote");
      expect(result.stderr).toContain("hint: pass --kforge-from <git URL of kforge>");
    }
  });
});

describe("kforge ci init --provider gitlab", () => {
  it("writes a pipeline with a parallel matrix job per kernel, JUnit and Code Quality reports, and commands that exist", async () => {
    const result = await runKforge(
      [
        "ci",
        "init",
        "drivers/cimod",
        "--provider",
        "gitlab",
        "--kernels",
        `${kernel61().release}, ${kernel612().release}`,
        "--image",
        "debian:12",
        ...kforgeFrom,
      ],
      { cwd: repo },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const pipeline = parse(readFileSync(pipelinePath, "utf8"));
    const job = pipeline.kforge;
    expect(pipeline.stages).toEqual(["build"]);
    expect(job.image).toBe("debian:12");
    expect(job.parallel.matrix).toEqual([{ KERNEL: [kernel61().release, kernel612().release] }]);
    expect(job.artifacts.when).toBe("always");
    expect(job.artifacts.reports).toEqual({
      junit: ["kforge-build-junit.xml", "kforge-test-junit.xml"],
      codequality: "gl-code-quality-report.json",
      coverage_report: { coverage_format: "cobertura", path: "kforge-coverage/cobertura.xml" },
    });
    expect(job.coverage).toBe(String.raw`/^coverage on \S+: lines \d+\/\d+ \((\d+\.\d+)%\)/`);
    const checkJob = pipeline["kforge-check"];
    expect(checkJob.variables.KERNEL).toBe(kernel612().release);
    expect(checkJob.artifacts.reports).toEqual({ codequality: "gl-code-quality-check.json" });
    const checkCommands = kforgeCommands(checkJob.script);
    expect(checkCommands[0]).toContain("--annotations gitlab --codequality gl-code-quality-check.json");
    await expectCommandsExist(checkCommands);
    const commands = kforgeCommands(job.script);
    expect(commands.map((command) => shellWords(command).slice(1, 3).join(" "))).toEqual([
      "build drivers/cimod",
      "kernel fetch",
      "test drivers/cimod",
      "test drivers/cimod",
    ]);
    expect(commands[3]).toContain("--coverage --coverage-output kforge-coverage");
    await expectCommandsExist(commands);
    runAsCi(commands[0]!, kernel61().release);
    expect(JSON.parse(readFileSync(join(repo, "kforge-build.json"), "utf8")).kernels[0].release).toBe(kernel61().release);
    expect(JSON.parse(readFileSync(join(repo, "gl-code-quality-report.json"), "utf8"))).toEqual([]);
  }, 180_000);

  it("refuses an unknown provider", async () => {
    const result = await runKforge(["ci", "init", "drivers/cimod", "--provider", "jenkins"], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--provider takes github or gitlab, got "jenkins"');
  });
});
