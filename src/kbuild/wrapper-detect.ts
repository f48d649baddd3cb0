// Pure: does the project build through a wrapper of its own, which kforge's plain kbuild call would
// bypass? A Makefile whose default/all/modules target re-invokes make with extra variables (a version
// define, CONFIG_X=m) or in a subfolder, and a dkms.conf MAKE[] that is not DKMS's plain kbuild call.

export interface MakefileWrapper {
  target: string;
  // 1-based line of the recipe line that runs make.
  line: number;
  // The recipe's make invocation, as written.
  command: string;
  // What it adds to a plain kbuild call: NAME=value words, `-C <subdir>`.
  extras: string[];
  // The variable the recipe names the kernel tree with (`-C $(KDIR)` gives KDIR).
  kernelVariable?: string;
}

const RULE = /^([A-Za-z0-9_.%/$(){}-]+(?:\s+[A-Za-z0-9_.%/$(){}-]+)*)\s*::?(?!=)\s*([^=]*)$/;
const MAKE_CALL = /^\t[@+-]*\s*(?:\$\(MAKE\)|\$\{MAKE\}|make)(\s.*)?$/;
// kbuild's own words: the tree, the module dir, the target, and how much make prints.
const PLAIN = /^(?:M|SUBDIRS|KBUILD_EXTMOD|V|W|C|-j\S*|-s|--no-print-directory)(?:=|$)|^(?:modules|all|-C)$/;

export function findMakefileWrapper(text: string): MakefileWrapper | undefined {
  const lines = text.replace(/\\\n/g, " ").split("\n");
  const rules = new Map<string, { prerequisites: string[]; recipe: { text: string; line: number }[] }>();
  let defaultGoal: string | undefined;
  let current: { prerequisites: string[]; recipe: { text: string; line: number }[] } | undefined;
  lines.forEach((line, index) => {
    if (line.startsWith("\t")) {
      current?.recipe.push({ text: line, line: index + 1 });
      return;
    }
    const goal = /^\.DEFAULT_GOAL\s*:?=\s*(\S+)/.exec(line);
    if (goal) defaultGoal = goal[1];
    const rule = RULE.exec(line.replace(/#.*$/, ""));
    if (!rule) {
      if (line.trim() !== "" && !line.startsWith("#")) current = undefined;
      return;
    }
    current = { prerequisites: rule[2]!.trim().split(/\s+/).filter(Boolean), recipe: [] };
    for (const target of rule[1]!.split(/\s+/)) {
      if (!rules.has(target)) rules.set(target, current);
      if (defaultGoal === undefined && !target.startsWith(".") && !target.includes("%")) defaultGoal = target;
    }
  });
  const seen = new Set<string>();
  const visit = (target: string, depth: number): MakefileWrapper | undefined => {
    const rule = rules.get(target);
    if (!rule || seen.has(target) || depth > 2) return undefined;
    seen.add(target);
    for (const recipe of rule.recipe) {
      const call = MAKE_CALL.exec(recipe.text);
      if (call) return describeCall(target, recipe, call[1] ?? "");
    }
    for (const prerequisite of rule.prerequisites) {
      const found = visit(prerequisite, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  for (const target of [defaultGoal, "all", "default", "modules"]) {
    const found = target === undefined ? undefined : visit(target, 0);
    if (found) return found;
  }
  return undefined;
}

function describeCall(target: string, recipe: { text: string; line: number }, rest: string): MakefileWrapper | undefined {
  const words: string[] = rest.trim().match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const at = words.indexOf("-C");
  const directory = at === -1 ? undefined : words[at + 1];
  const isKbuild = words.some((word) => /^(?:M|SUBDIRS)=/.test(word));
  const extras = words.filter((word, index) => !PLAIN.test(word) && !(words[index - 1] === "-C") && /=/.test(word));
  const kernelVariable = isKbuild && directory ? /^\$[({]([A-Za-z0-9_]+)[)}]/.exec(directory)?.[1] : undefined;
  // `$(MAKE) -C src`: the modules are built by the subfolder's Makefile, with whatever it adds.
  if (!isKbuild && directory && !directory.startsWith("$")) extras.unshift(`-C ${directory}`);
  if (extras.length === 0) return undefined;
  return {
    target,
    line: recipe.line,
    command: recipe.text.trim().replace(/^[@+-]+\s*/, ""),
    extras,
    ...(kernelVariable ? { kernelVariable } : {}),
  };
}

// Whether a dkms.conf MAKE[] text is DKMS's plain kbuild call (the same as kforge's) or adds to it.
export function isPlainKbuildCall(text: string): boolean {
  const words = text.replace(/['"]/g, "").trim().split(/\s+/);
  return words[0] === "make" && words.slice(1).every((word, index, rest) => PLAIN.test(word) || rest[index - 1] === "-C");
}
