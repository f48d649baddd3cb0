// The two checkers that run through kbuild, in kforge check's own tree (.kforge/check/<release>/, a
// mirror of the module dir, so the user's objects are never rebuilt with other flags). First the build,
// at W=1 when that checker runs: kbuild compiles every object afresh and runs modpost, and every
// compiler and modpost message is a finding. Then sparse: `make C=2` over the objects that compiled, with the same flags,
// so kbuild recompiles nothing and runs only sparse, with the kernel's own CHECKFLAGS, over each
// source. Both keep going past a failure (-k) so one broken file does not hide the others' findings.
import { buildModules, type KernelTarget } from "../kbuild/build-modules.js";
import { buildMakeArguments, type KbuildFlags } from "../kbuild/make-arguments.js";
import type { Diagnostic } from "../kbuild/parse-output.js";
import { prepareProbeCache, tryRunOverride } from "../kbuild/probe-cache.js";
import { reproducibleEnvironment } from "../kbuild/reproducible.js";
import type { Finding } from "./checkers.js";
import { parseSparseOutput } from "./parse-sparse.js";
import { describeFailure, runTool, tailLines, withTimeout, type RunLimits, type TaskOutcome } from "./run-tool.js";

export interface KbuildCheckOptions extends Pick<KbuildFlags, "llvm" | "arch" | "crossCompile"> {
  // The check tree.
  tree: string;
  kernel: KernelTarget;
  jobs: number;
  w1: boolean;
  // NAME=value make variables (kforge.json make.variables, then `-- NAME=value`).
  variables: string[];
  env: NodeJS.ProcessEnv;
}

// MAKEFLAGS from the environment reaches every make below the top one: keep going past failures.
const keepGoing = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, MAKEFLAGS: `${env.MAKEFLAGS ?? ""} -k`.trim() });

export interface BuildPass {
  // The W=1 checker's findings (compiler, modpost and linker errors and warnings; notes belong to them).
  findings: Finding[];
  failure?: TaskOutcome["failure"];
  log: string;
}

export async function runBuildPass(options: KbuildCheckOptions, limits: RunLimits): Promise<BuildPass> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const result = await buildModules({
    dir: options.tree,
    kernel: options.kernel,
    jobs: options.jobs,
    llvm: options.llvm,
    arch: options.arch,
    crossCompile: options.crossCompile,
    warnings: options.w1 ? 1 : undefined,
    // A check needs objects and modpost's messages, not the linked .ko files: kbuild's own switch for
    // test compiles skips the final link (.mod.o, LD, BTF), a third of a small module's build.
    variables: ["KBUILD_MODPOST_NOFINAL=1", ...options.variables],
    force: true,
    environment: keepGoing(options.env),
    signal: withTimeout(limits.signal, timeout),
  });
  // kforge's own findings ("hello.ko is missing") are about the .ko files this build does not link.
  const findings = result.diagnostics
    .filter((diagnostic) => diagnostic.severity !== "note" && diagnostic.origin !== "kforge")
    .map(toW1Finding);
  const timedOut = timeout.aborted && !limits.signal?.aborted;
  const failure = timedOut
    ? {
        checker: "w1" as const,
        what: "make modules",
        reason: `did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`,
        output: [`full log: ${result.log}`],
      }
    : undefined;
  return { findings, failure, log: result.log };
}

function toW1Finding(diagnostic: Diagnostic): Finding {
  // -Werror=return-type is the -Wreturn-type rule made an error.
  const rule = diagnostic.flag?.replace(/^-Werror=/, "-W") ?? (diagnostic.origin === "compiler" ? diagnostic.severity : diagnostic.origin);
  return { ...diagnostic, checker: "w1", rule };
}

export async function runSparsePass(options: KbuildCheckOptions, objects: readonly string[], limits: RunLimits): Promise<TaskOutcome> {
  if (objects.length === 0) return { checker: "sparse", findings: [] };
  const environment = reproducibleEnvironment(keepGoing(options.env), options.tree);
  const probeCache = await prepareProbeCache(options.kernel.kdir, environment);
  const args = buildMakeArguments({
    kdir: options.kernel.kdir,
    dir: options.tree,
    jobs: options.jobs,
    llvm: options.llvm,
    arch: options.arch,
    crossCompile: options.crossCompile,
    warnings: options.w1 ? 1 : undefined,
    check: true,
    // The same probe cache as the build, so its flags match and nothing is recompiled.
    variables: [...(probeCache ? [tryRunOverride(probeCache)] : []), ...options.variables],
    target: objects,
  });
  const run = await runTool("make", args, options.tree, limits, environment);
  const parsed = parseSparseOutput(run.result.all, options.tree);
  const failure = describeFailure("sparse", "make C=2 (sparse)", run, limits);
  return {
    checker: "sparse",
    findings: parsed.findings,
    failure: failure && { ...failure, output: parsed.otherLines.length > 0 ? tailLines(parsed.otherLines.join("\n")) : failure.output },
  };
}
