// `kforge test --vm` on several kernels (--kernel repeated or all, a kforge.json kernel list), and
// `kforge test --junit`. Several kernels are first built in parallel, each in its own tree, so the
// guests never share build outputs; then each kernel runs exactly what `kforge vm --json` runs, a few
// guests at a time, and the report has one entry per kernel in that command's JSON shape.
import { writeFile } from "node:fs/promises";
import { availableParallelism, freemem } from "node:os";
import { basename, resolve } from "node:path";
import type { KforgeConfig } from "../../config/kforge-json.js";
import { EnvironmentError, ExitCode, isKforgeError, UsageError } from "../../errors.js";
import { buildMatrix } from "../../kbuild/matrix.js";
import { findKernelImage } from "../../kernel/kernel-image.js";
import { selectKernel, type KernelSelection } from "../../kernel/select.js";
import { isSkipped, type KernelTestOutcome } from "../../report/test-outcome.js";
import { renderTestJunit } from "../../report/test-junit.js";
import { createPalette } from "../../ui/color.js";
import { formatTestSummary } from "../../ui/test-summary.js";
import { planGuestConcurrency } from "../../vm/guest/concurrency.js";
import type { CommandContext, OutputStream } from "../context.js";
import { checkGatedRun, splitByGates } from "./build-gates.js";
import { resolveKernels } from "./build-matrix.js";
import { printTestOutcome } from "./test-output.js";
import { chooseKernel, VM_DEFAULTS, vmCommand, type VmCommandOptions } from "./vm.js";

export interface KernelTestRequest {
  dir: string;
  config: KforgeConfig;
  // Releases as named ("all": every installed build tree); one entry or none tests one kernel.
  releases: string[];
  options: Omit<VmCommandOptions, "kernel" | "dir">;
  junit?: string;
  allowSkip?: boolean;
}

export async function runKernelTests(request: KernelTestRequest, context: CommandContext): Promise<number> {
  const several = request.releases.length > 1 || request.releases.includes("all");
  if (several) checkSeveralKernels(request);
  const kernels = several ? await resolveKernels(request.releases, context.env) : [await selectSingle(request, context)];
  const split = await splitByGates(request.dir, request.config, kernels);
  const { allowed, skipped } = split;
  checkGatedRun(split, request.allowSkip, context.stderr);
  const outcomes = new Map<string, KernelTestOutcome>(
    skipped.map((kernel) => [kernel.release, { ok: true, release: kernel.release, skipped: true, reason: kernel.reason }]),
  );
  const bootable = await withoutMissingImages(allowed, request, outcomes, context.env);
  if (!request.options.json && several)
    context.stderr.write(
      `testing ${basename(request.dir)} on ${kernels.length} kernels: ${kernels.map((kernel) => kernel.release).join(", ")}\n`,
    );
  for (const [release, outcome] of outcomes)
    if (!request.options.json && isSkipped(outcome)) context.stderr.write(`  ${release}: skipped, ${outcome.reason}\n`);
  const built = several ? await buildEach(request, bootable, outcomes, context) : bootable;
  if (context.signal.aborted) return ExitCode.interrupted;
  await runGuests(request, built, outcomes, several, context);
  // After Ctrl-C, kernels whose turn never came have no outcome of their own.
  const ordered = kernels.map(
    (kernel) => outcomes.get(kernel.release) ?? errorOutcome(kernel.release, { message: "interrupted before its guest started" }),
  );
  if (request.junit) await writeFile(resolve(context.cwd, request.junit), renderTestJunit(ordered, `kforge test ${basename(request.dir)}`));
  return report(ordered, several, request, context);
}

function checkSeveralKernels(request: KernelTestRequest): void {
  const one = (what: string) =>
    new UsageError(`${what} names one thing for one kernel, but several kernels were asked for`, "drop it, or name one --kernel");
  if (request.options.kdir !== undefined) throw one("--kdir");
  if (request.options.vmKernel !== undefined) throw one("--vm-kernel");
  if (request.config.vm?.kernel !== undefined) throw one("kforge.json vm.kernel");
  if (request.options.shell)
    throw new UsageError("--shell opens one guest, but several kernels were asked for", "name one --kernel to get a shell");
}

async function selectSingle(request: KernelTestRequest, context: CommandContext): Promise<KernelSelection> {
  const kernel = await selectKernel({
    ...chooseKernel({ ...request.options, kernel: request.releases[0] }, request.config),
    env: context.env,
  });
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  return kernel;
}

// A kernel without an image to boot is skipped with the command that fetches one (fetching is
// `kforge kernel fetch`'s job); an image that exists but cannot be read is that kernel's error.
async function withoutMissingImages(
  kernels: KernelSelection[],
  request: KernelTestRequest,
  outcomes: Map<string, KernelTestOutcome>,
  env: NodeJS.ProcessEnv,
): Promise<KernelSelection[]> {
  const bootable: KernelSelection[] = [];
  for (const kernel of kernels) {
    try {
      await findKernelImage({ release: kernel.release, vmKernel: request.options.vmKernel, configKernel: request.config.vm?.kernel, env });
      bootable.push(kernel);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      const missing = error.message.startsWith("no kernel image");
      outcomes.set(
        kernel.release,
        missing
          ? {
              ok: true,
              release: kernel.release,
              skipped: true,
              reason: `no kernel image, fetch it with kforge kernel fetch ${kernel.release}`,
            }
          : errorOutcome(kernel.release, error),
      );
    }
  }
  return bootable;
}

const errorOutcome = (release: string, error: { message: string; hint?: string }): KernelTestOutcome => ({
  ok: false,
  release,
  error: { message: error.message, hint: error.hint ?? null },
});

// The matrix build: each kernel's tree then holds its newest build, so each guest run finds its own
// modules up to date. A kernel whose build failed is reported as such and not booted.
async function buildEach(
  request: KernelTestRequest,
  kernels: KernelSelection[],
  outcomes: Map<string, KernelTestOutcome>,
  context: CommandContext,
): Promise<KernelSelection[]> {
  if (kernels.length === 0) return [];
  const results = await buildMatrix({
    dir: request.dir,
    kernels: kernels.map(({ release, kdir }) => ({ release, kdir })),
    signal: context.signal,
    environment: context.env,
  });
  for (const result of results.filter((candidate) => !candidate.ok && !candidate.interrupted)) {
    outcomes.set(result.release, {
      ok: false,
      release: result.release,
      build: { ok: false, log: result.log, diagnostics: result.diagnostics },
    });
  }
  return kernels.filter((kernel) => results.find((result) => result.release === kernel.release)?.ok);
}

async function runGuests(
  request: KernelTestRequest,
  kernels: KernelSelection[],
  outcomes: Map<string, KernelTestOutcome>,
  several: boolean,
  context: CommandContext,
): Promise<void> {
  const memoryMb = request.options.memory ?? request.config.vm?.memory ?? VM_DEFAULTS.memoryMb;
  const concurrency = planGuestConcurrency(kernels.length, availableParallelism(), freemem() / 2 ** 20, memoryMb);
  let next = 0;
  const worker = async () => {
    while (next < kernels.length && !context.signal.aborted) {
      const kernel = kernels[next++]!;
      const stderr = several ? prefixLines(context.stderr, `[${kernel.release}] `) : context.stderr;
      const outcome = await runOneGuest(request, kernel, several, { ...context, stderr });
      outcomes.set(kernel.release, outcome);
      if (several && !request.options.json) context.stderr.write(`  ${kernel.release}: ${outcome.ok ? "passed" : "failed"}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// One kernel's run is `kforge vm --json` itself, its stdout kept as that kernel's entry.
async function runOneGuest(
  request: KernelTestRequest,
  kernel: KernelSelection,
  several: boolean,
  context: CommandContext,
): Promise<KernelTestOutcome> {
  let json = "";
  const stdout: OutputStream = { write: (text: string) => (json += text) };
  const options: VmCommandOptions = {
    ...request.options,
    dir: request.dir,
    kernel: kernel.release,
    kdir: several ? undefined : request.options.kdir,
    json: true,
  };
  try {
    await vmCommand(options, { ...context, stdout });
  } catch (error) {
    if (!isKforgeError(error)) throw error;
    return errorOutcome(kernel.release, error);
  }
  if (json.trim() === "") return errorOutcome(kernel.release, { message: "interrupted before its guest started" });
  return { release: kernel.release, ...JSON.parse(json) } as KernelTestOutcome;
}

function report(outcomes: KernelTestOutcome[], several: boolean, request: KernelTestRequest, context: CommandContext): number {
  const tested = outcomes.filter((outcome) => !isSkipped(outcome));
  const missingImages = outcomes.some((outcome) => isSkipped(outcome) && outcome.reason.startsWith("no kernel image"));
  const ok = outcomes.every((outcome) => outcome.ok);
  if (request.options.json) context.stdout.write(`${JSON.stringify(several ? { ok, kernels: outcomes } : outcomes[0])}\n`);
  else for (const outcome of outcomes) printTestOutcome(outcome, request.dir, several, context);
  if (!request.options.json && several)
    context.stdout.write(`\n${formatTestSummary(outcomes, createPalette(context.stdout as NodeJS.WriteStream))}`);
  if (context.signal.aborted || outcomes.some((outcome) => "end" in outcome && outcome.end === "interrupted")) return ExitCode.interrupted;
  if (tested.length === 0 && missingImages)
    throw new EnvironmentError(
      "no kernel could be tested: none of them has a kernel image to boot",
      "fetch the images with kforge kernel fetch <release> (see the skipped kernels above)",
    );
  return ok ? ExitCode.ok : ExitCode.failed;
}

// Several guests write to stderr at once: each line names its kernel.
function prefixLines(stream: OutputStream, prefix: string): OutputStream {
  let pending = "";
  return {
    write(text: string) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) stream.write(`${prefix}${line}\n`);
      return true;
    },
  };
}
