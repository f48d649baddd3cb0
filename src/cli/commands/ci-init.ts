// `kforge ci init [dir]`: writes a CI workflow at the repository root holding the module dir, one job
// per kernel on the CI system's own matrix. An existing workflow is replaced only with --force.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { renderGithubWorkflow, GITHUB_WORKFLOW_PATH } from "../../ci/github-workflow.js";
import { renderGitlabPipeline, GITLAB_PIPELINE_PATH } from "../../ci/gitlab-pipeline.js";
import { RUNNER } from "../../ci/ci-plan.js";
import { resolveKforgeSource } from "../../ci/kforge-source.js";
import type { KforgeConfig } from "../../config/kforge-json.js";
import { ExitCode, UsageError } from "../../errors.js";
import { foreignArchitectureOf } from "../../kernel/architecture.js";
import { isAccessible } from "../../fs/files.js";
import { repositoryRoot } from "../../process/git.js";
import { expandAll, requestedKernels } from "../../project/kernels.js";
import { openProject } from "../../project/project.js";
import type { CommandContext } from "../context.js";
import { readVersion } from "../version.js";

export interface CiInitCommandOptions {
  dir?: string;
  provider?: string;
  // Comma-separated releases.
  kernels?: string;
  image?: string;
  force?: boolean;
  // Git URL[#ref] the CI job installs kforge from.
  kforgeFrom?: string;
}

// Debian 12 with Node 20: its apt has Debian's kernel header packages, and kforge runs on it as tested.
export const DEFAULT_IMAGE = "node:20-bookworm";

const PROVIDERS = {
  github: { path: GITHUB_WORKFLOW_PATH, render: renderGithubWorkflow },
  gitlab: { path: GITLAB_PIPELINE_PATH, render: renderGitlabPipeline },
} as const;

export async function ciInitCommand(options: CiInitCommandOptions, context: CommandContext): Promise<number> {
  const providerName = options.provider ?? "github";
  if (providerName !== "github" && providerName !== "gitlab")
    throw new UsageError(
      `--provider takes github or gitlab, got "${providerName}"`,
      "use --provider github (the default) or --provider gitlab",
    );
  const provider = PROVIDERS[providerName];
  const project = await openProject({ ...context, dir: options.dir, flags: {} });
  const { dir } = project;
  const root = await repositoryRoot(dir);
  const { kernels: all, source: kernelSource } = await chooseKernels(options, project.config);
  const crossKernels = all.filter((release) => foreignArchitectureOf(release, RUNNER));
  const kernels = all.filter((release) => !crossKernels.includes(release));
  const path = join(root, provider.path);
  if (!options.force && (await isAccessible(path))) {
    throw new UsageError(
      `${path} already exists; kforge ci init never replaces a workflow silently`,
      "compare it with the one kforge would write, or pass --force to replace it",
    );
  }
  const source = await resolveKforgeSource(options.kforgeFrom);
  const text = provider.render({
    dir: relative(root, dir) || ".",
    kernels,
    crossKernels,
    image: options.image ?? DEFAULT_IMAGE,
    kforgeVersion: readVersion(),
    kforgeSource: source,
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  context.stdout.write(
    `wrote ${path}: one job per kernel (${kernelSource}): ${all.join(", ")}\n` +
      (crossKernels.length > 0 ? `cross-built and booted under emulation in jobs of their own: ${crossKernels.join(", ")}\n` : "") +
      `kforge comes from ${source.url}${source.ref ? ` at ${source.ref}` : ""} (${source.origin}); the CI job must be able to clone it\n` +
      `next: commit it; each job installs its kernel's headers in ${options.image ?? DEFAULT_IMAGE}, ` +
      `builds, boots the kernel and runs the tests; a check job runs the kernel's static checkers\n`,
  );
  return ExitCode.ok;
}

// --kernels, else kforge.json's kernel (a list, a release, or all), else the build trees installed here.
async function chooseKernels(options: CiInitCommandOptions, config: KforgeConfig): Promise<{ kernels: string[]; source: string }> {
  const flag = options.kernels
    ?.split(",")
    .map((release) => release.trim())
    .filter(Boolean);
  const configured = requestedKernels({ config }).releases;
  const source = flag !== undefined ? "--kernels" : configured.length > 0 ? "kforge.json kernel" : "the kernels installed here";
  const kernels = await expandAll(flag ?? (configured.length > 0 ? configured : ["all"]));
  if (kernels.length === 0) {
    throw new UsageError(
      "no kernels to build for: --kernels is empty, kforge.json names none and no kernel headers are installed here",
      "pass --kernels <release>,<release>",
    );
  }
  return { kernels, source };
}
