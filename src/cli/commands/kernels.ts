// `kforge kernels`: every kernel with a build tree, and what matters for building against it.
import { release as runningRelease } from "node:os";
import { UsageError } from "../../errors.js";
import { buildTreeProblem } from "../../kernel/build-tree.js";
import { listKernels, type KernelDescription } from "../../kernel/discover.js";
import { anyHeadersInstallHint, readOsRelease } from "../../kernel/os-release.js";
import { createPalette } from "../../ui/color.js";
import type { CommandContext } from "../context.js";

export interface KernelsOptions {
  json?: boolean;
  kdir?: string;
}

export async function kernelsCommand(options: KernelsOptions, context: CommandContext): Promise<number> {
  const kdir = options.kdir ?? context.env.KDIR;
  if (kdir) {
    const problem = await buildTreeProblem(kdir);
    if (problem) throw new UsageError(`--kdir: ${problem}`, "point --kdir at a kernel build tree such as /lib/modules/<release>/build");
  }
  const kernels = await listKernels({ kdir, env: context.env });
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ kernels }, null, 2)}\n`);
    return 0;
  }
  if (kernels.length === 0) {
    context.stderr.write(
      `no kernel build trees found under /lib/modules\n` +
        `hint: install headers (${anyHeadersInstallHint(await readOsRelease(), runningRelease())}) or pass --kdir\n`,
    );
    return 0;
  }
  for (const kernel of kernels) context.stdout.write(formatKernel(kernel, context));
  return 0;
}

function formatKernel(kernel: KernelDescription, context: CommandContext): string {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const built = kernel.built
    ? palette.cyan(
        ` (kforge-built${kernel.built.debug ? ", debug" : ""}${kernel.built.variant ? `, project variant ${kernel.built.variant}` : ""})`,
      )
    : "";
  const lines = [`${palette.bold(kernel.release)}${kernel.isRunning ? palette.green(" (running)") : ""}${built}`];
  lines.push(`  build dir  ${kernel.kdir}`);
  lines.push(
    `  arch       ${kernel.arch ?? "unknown"}${kernel.crossCompile ? palette.cyan(` (cross: CROSS_COMPILE=${kernel.crossCompile})`) : ""}`,
  );
  lines.push(`  image      ${kernel.vmlinuz ?? palette.dim(`not found (kforge kernel fetch ${kernel.release})`)}`);
  lines.push(`  compiler   ${kernel.compiler.kernel ?? "unknown"}${kernel.compiler.host ? `; PATH: ${kernel.compiler.host}` : ""}`);
  const signing = kernel.signing.enabled ? `yes (${kernel.signing.hash ?? "?"}${kernel.signing.enforced ? ", enforced" : ""})` : "no";
  lines.push(`  signing    ${signing}`);
  for (const warning of kernel.warnings) lines.push(`  ${palette.yellow("warning:")} ${warning}`);
  return `${lines.join("\n")}\n\n`;
}
