// Writes small real module sources into temp dirs for the kbuild tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HEADER = "#include <linux/module.h>\n#include <linux/init.h>\n";

export function moduleSource(name: string, body = "", license = true): string {
  return `${HEADER}${body}
static int __init ${name}_init(void)
{
\treturn 0;
}
static void __exit ${name}_exit(void)
{
}
module_init(${name}_init);
module_exit(${name}_exit);
${license ? 'MODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("kforge test module");\n' : ""}`;
}

export function createModuleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kforge-kbuild-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// A module whose single object takes several seconds to compile, for interrupt tests.
export function slowModuleSource(): string {
  const functions = Array.from(
    { length: 3000 },
    (_, index) =>
      `static noinline __used int slow_${index}(int x)\n{\n\tint y = x;\n\tfor (int i = 0; i < ${(index % 7) + 3}; i++)\n` +
      `\t\ty = (y * ${index + 3} + (y >> 3)) ^ ${index};\n\treturn y;\n}\n`,
  );
  return moduleSource("slow", functions.join(""));
}
