// Which Kconfig option builds the code that exports a symbol, read from the kernel source: the file
// with EXPORT_SYMBOL*(name) (found with grep), then its folder's Makefile line, then, for code built
// whenever its folder is (obj-y), the line of the folder above that builds the folder. That is how
// del_gendisk (block/genhd.c, obj-y in block/) maps to CONFIG_BLOCK (`obj-$(CONFIG_BLOCK) += block/`),
// and crc16 (lib/crc16.c) to CONFIG_CRC16. Symbols a distro kernel exports from built-in code are in
// no modules.symbols, so this is how a minimal guest kernel learns what a project needs.
import { basename, dirname } from "node:path";
import { run } from "../process/exec.js";
import type { SourceReader } from "./kconfig.js";

export interface SymbolExporter {
  symbol: string;
  // The exporting source file, from the top of the tree: "block/genhd.c".
  file: string;
  // The option that builds it, or undefined when the file is built whenever the kernel is.
  option?: string;
}

const EXPORT = /^(?:\.\/)?([^:]+):\d+:\s*EXPORT_SYMBOL\w*\(\s*(\w+)\s*[,)]/;
const SKIPPED_FOLDERS = ["Documentation", "tools", "samples", "scripts", "usr"];

// Pure: grep -rn output to symbol -> exporting file. Another architecture's copy never wins over
// sourceArch's or a generic one.
export function parseExportLines(output: string, sourceArch: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = EXPORT.exec(line);
    if (!match) continue;
    const [, file, symbol] = match;
    const otherArch = file!.startsWith("arch/") && !file!.startsWith(`arch/${sourceArch}/`);
    if (otherArch) continue;
    if (!files.has(symbol!)) files.set(symbol!, file!);
  }
  return files;
}

// Logical lines: continuations joined, comments dropped.
const logicalLines = (text: string) =>
  text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.replace(/#.*$/, ""));

type Owner = { kind: "option"; option: string } | { kind: "always" } | { kind: "composite"; object: string };

// Pure: how a Makefile builds `name` ("genhd.o", or "block/" for a folder).
export function makefileOwner(makefile: string, name: string): Owner | undefined {
  for (const line of logicalLines(makefile)) {
    const match = /^\s*([\w-]+)-(y|objs|\$\(CONFIG_(\w+)\))\s*[+:]?=(.*)$/.exec(line);
    if (!match || !match[4]!.split(/\s+/).includes(name)) continue;
    const [, owner, , option] = match;
    // obj-$(CONFIG_X), or a composite's member gated by its own option (foo-$(CONFIG_X) += bar.o).
    if (option) return { kind: "option", option };
    if (owner === "obj" || owner === "lib" || owner === "core" || owner === "libs" || owner === "drivers") return { kind: "always" };
    return { kind: "composite", object: `${owner}.o` };
  }
  return undefined;
}

// Pure: the option that builds a source file, walking up the folders while the code is built whenever
// its folder is; undefined option with found=true: built whenever the kernel is.
export function optionBuilding(read: SourceReader, file: string): { found: boolean; option?: string } {
  let folder = dirname(file);
  let name = `${basename(file).replace(/\.[cS]$/, "")}.o`;
  for (let depth = 0; depth < 12; depth++) {
    const makefile =
      folder === "."
        ? `${read("Kbuild") ?? ""}\n${read("Makefile") ?? ""}`
        : (read(`${folder}/Makefile`) ?? read(`${folder}/Kbuild`) ?? "");
    const owner = makefileOwner(makefile, name);
    if (!owner) return { found: false };
    if (owner.kind === "option") return { found: true, option: owner.option };
    if (owner.kind === "composite") {
      name = owner.object;
      continue;
    }
    if (folder === ".") return { found: true };
    name = `${basename(folder)}/`;
    folder = dirname(folder);
  }
  return { found: false };
}

// The exporters of the symbols in the source tree, with the option building each; symbols no file
// exports are left out.
export async function findSymbolExporters(sourceDir: string, symbols: readonly string[], read: SourceReader): Promise<SymbolExporter[]> {
  if (symbols.length === 0) return [];
  const pattern = `EXPORT_SYMBOL\\w*\\(\\s*(${symbols.join("|")})\\s*[,)]`;
  const excluded = SKIPPED_FOLDERS.map((folder) => `--exclude-dir=${folder}`);
  const grep = await run("grep", ["-rnE", "--include=*.c", "--include=*.S", ...excluded, pattern, "."], { cwd: sourceDir });
  const files = parseExportLines(grep.stdout, "x86");
  return symbols.flatMap((symbol) => {
    const file = files.get(symbol);
    if (!file) return [];
    const { option } = optionBuilding(read, file);
    return [{ symbol, file, ...(option ? { option } : {}) }];
  });
}
