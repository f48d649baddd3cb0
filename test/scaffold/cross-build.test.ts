// Slow: every template is generated and cross-built by `kforge build --warnings 1 --werror` for the
// Debian arm64 and armmp kernels scripts/setup.sh fetched (one matrix build per template), with nothing
// but --kernel to say the architecture; each module is an ELF for that machine with that kernel's vermagic.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseElf } from "../../src/module/elf.js";
import { planModule } from "../../src/scaffold/plan.js";
import { listTemplates } from "../../src/scaffold/templates.js";
import { writePlan } from "../../src/scaffold/write-plan.js";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { foreignKernel61 } from "../helpers/kernels.js";

const targets = [
  { kernel: foreignKernel61("arm64"), machine: 183, vermagic: / aarch64$/ },
  { kernel: foreignKernel61("armmp"), machine: 40, vermagic: / ARMv7 p2v8$/ },
];
const templates = (await listTemplates()).map((template) => template.name);

let root: string;
const builds = new Map<string, CliResult>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-scaffold-cross-"));
  await Promise.all(
    templates.map(async (template) => {
      const plan = await planModule({ name: `cross_${template}`, template, license: "GPL", author: "kforge tests", description: "cross" });
      await writePlan(join(root, template), plan.files, { force: false, dryRun: false });
      const kernels = targets.flatMap((target) => ["-k", target.kernel.release]);
      builds.set(template, await runKforge(["build", join(root, template), ...kernels, "--warnings", "1", "--werror", "--json"]));
    }),
  );
}, 300_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(templates)("the %s template", (template) => {
  it("cross-builds warning-free for arm64 and armhf, each module for its kernel's machine", async () => {
    const build = builds.get(template)!;
    expect(build.exitCode, build.stderr).toBe(0);
    const report = JSON.parse(build.stdout) as {
      kernels: { release: string; ok: boolean; diagnostics: unknown[]; artifacts: { path: string; vermagic: string }[] }[];
    };
    for (const { kernel, machine, vermagic } of targets) {
      const result = report.kernels.find((candidate) => candidate.release === kernel.release)!;
      expect(result).toMatchObject({ ok: true, diagnostics: [] });
      expect(result.artifacts.length).toBeGreaterThan(0);
      for (const artifact of result.artifacts) {
        expect(artifact.vermagic.startsWith(`${kernel.release} `)).toBe(true);
        expect(artifact.vermagic).toMatch(vermagic);
        expect(parseElf(await readFile(artifact.path)).machine).toBe(machine);
      }
    }
  });
});
