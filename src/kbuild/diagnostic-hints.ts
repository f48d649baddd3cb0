// Pure: the next step for the kbuild failures whose raw text names no fix (modpost's license and
// symbol errors, make's missing object). Messages arrive with the module dir already stripped.

// Licenses the kernel treats as GPL-compatible (include/linux/license.h).
const GPL_LICENSES = '"GPL", "GPL v2", "Dual MIT/GPL" or "Dual BSD/GPL"';

export function hintForModpost(message: string): string | undefined {
  if (/^missing MODULE_LICENSE\(\)/.test(message)) {
    return `add MODULE_LICENSE("GPL"); to the module's source (or another license the kernel knows, e.g. ${GPL_LICENSES})`;
  }
  if (/^missing MODULE_DESCRIPTION\(\)/.test(message)) return 'add MODULE_DESCRIPTION("what the module does"); to the module\'s source';
  const undefinedSymbol = /^"(.+?)" \[.*\] undefined!$/.exec(message);
  if (undefinedSymbol) {
    return (
      `nothing this build knows exports ${undefinedSymbol[1]}: a typo, a ` +
      `missing EXPORT_SYMBOL in a provider, or build the provider first ` +
      "and pass its Module.symvers with KBUILD_EXTRA_SYMBOLS=... (kforge deps shows who provides what)"
    );
  }
  const gplOnly = /uses GPL-only symbol '(.+?)'/.exec(message);
  if (gplOnly) {
    return (
      `${gplOnly[1]} is exported with EXPORT_SYMBOL_GPL: the module needs a ` +
      `GPL-compatible MODULE_LICENSE (${GPL_LICENSES}), or must stop using it`
    );
  }
  return undefined;
}

// The symbol of modpost's `"sym" [x.ko] undefined!`, else undefined.
export const undefinedSymbolOf = (message: string): string | undefined => /^"(.+?)" \[.*\] undefined!$/.exec(message)?.[1];

// The module file a modpost message is about, as kbuild names it: modpost reads the module's
// linked object (x.o) and reports it under that name or as x.ko; both mean the module x.ko.
export function moduleNamedByModpost(message: string): string | undefined {
  const named =
    /\[([^\]]+\.k?o)\]/.exec(message) ??
    / in (\S+\.o)$/.exec(message) ??
    /module (\S+\.k?o) uses/.exec(message) ??
    /^(\S+\.k?o): /.exec(message);
  return named ? named[1]!.replace(/\.o$/, ".ko") : undefined;
}

// make's "No rule to make target 'x.o', needed by 'dir/'": with the dir stripped, `needed by ''`
// reads as nonsense, so the message is rewritten around the missing file.
export function describeMissingTarget(target: string, neededBy: string): { message: string; hint: string } {
  const by = neededBy === "" ? "" : ` (needed by ${neededBy})`;
  const object = /^(.*)\.o$/.exec(target);
  if (object) {
    return {
      message: `no source for ${target}${by}: there is no ${object[1]}.c (or ${object[1]}.S) in the module dir`,
      hint: `create ${object[1]}.c, or fix the object name in the Kbuild/Makefile (obj-m += <name>.o builds <name>.c)`,
    };
  }
  return {
    message: `${target} does not exist and make has no rule to create it${by}`,
    hint: "if the file was renamed or deleted since the last build, run kforge clean, then build again",
  };
}
