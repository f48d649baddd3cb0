// `kforge deps [dir | file.ko...]`: which symbols each built module needs, who provides them, the
// load order, and what nobody provides, before anyone runs insmod.
import { formatNotice } from "../../text/visible-text.js";
import { join } from "node:path";
import { findModulesDir } from "../../kernel/kernel-image.js";
import { selectKernel } from "../../kernel/select.js";
import { resolveModuleFiles } from "../../loader/project-modules.js";
import { resolveDependencies, type ResolvedModule, type SymbolProvider } from "../../module/resolve-deps.js";
import { createPalette, type Palette } from "../../ui/color.js";
import { singleRelease } from "../../project/kernels.js";
import type { CommandContext } from "../context.js";

export interface DepsCommandOptions {
  targets: string[];
  kernel?: string[];
  kdir?: string;
  json?: boolean;
}

const providerLabel = (provider: SymbolProvider) =>
  provider.kind === "kernel" ? "kernel" : provider.kind === "missing" ? "MISSING" : `${provider.kind} ${provider.module}`;

function formatModule(module: ResolvedModule, palette: Palette): string[] {
  const groups = new Map<string, string[]>();
  for (const need of module.needs) {
    const label = providerLabel(need.provider);
    groups.set(label, [...(groups.get(label) ?? []), need.symbol]);
  }
  const lines = [`${palette.bold(module.name)}  ${palette.dim(module.path)}`];
  for (const [label, symbols] of groups) {
    const text = `  ${label}: ${label === "kernel" && symbols.length > 8 ? `${symbols.length} symbols` : symbols.join(", ")}`;
    lines.push(label === "MISSING" ? palette.red(text) : text);
  }
  for (const need of module.needs.filter((item) => item.problem)) lines.push(palette.yellow(`  warning: ${need.problem}`));
  return lines;
}

export async function depsCommand(options: DepsCommandOptions, context: CommandContext): Promise<number> {
  const kernel = await selectKernel({ kernel: singleRelease(options.kernel, "deps"), kdir: options.kdir, env: context.env });
  if (kernel.notice && !options.json) context.stderr.write(formatNotice(kernel.notice));
  const files = await resolveModuleFiles(options.targets, context.cwd, kernel.release);
  const resolution = await resolveDependencies({
    files,
    kdir: kernel.kdir,
    // A fetched kernel's modules (another architecture's, or a headers-only install's) are in kforge's cache.
    modulesDir: (await findModulesDir(kernel.release, { env: context.env })) ?? join("/lib/modules", kernel.release),
    release: kernel.release,
  });
  const exitCode = resolution.missing.length || resolution.vermagicProblems.length ? 1 : 0;
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ kernel: kernel.release, ...resolution }, null, 2)}\n`);
    return exitCode;
  }
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const lines = resolution.modules.flatMap((module) => formatModule(module, palette));
  lines.push(`load order: ${[...resolution.inTreeModules.map((name) => `${name} (in-tree)`), ...resolution.loadOrder].join(" -> ")}`);
  for (const missing of resolution.missing)
    lines.push(
      palette.red(`error: nothing provides ${missing.symbol}, needed by ${missing.module}: insmod would fail with "Unknown symbol"`),
    );
  for (const { module, problem } of resolution.vermagicProblems) {
    lines.push(
      palette.red(
        `error: ${module}: ${problem}: insmod would fail with "Invalid module ` +
          `format"; rebuild it with kforge build --kernel ${kernel.release}`,
      ),
    );
  }
  for (const note of resolution.notes) lines.push(palette.dim(`note: ${note}`));
  context.stdout.write(`${lines.join("\n")}\n`);
  return exitCode;
}
