// Pure: what kbuild recorded in one `.<target>.cmd` file. 6.1 writes `cmd_<target> := <command>`,
// 6.12 `savedcmd_<target> := ...`; compiled objects also carry `source_`, the `deps_` block that
// fixdep wrote, an objtool dependency line and, for objects that export symbols under
// CONFIG_MODVERSIONS, the `#SYMVER` lines genksyms appended.
export interface RecordedCommand {
  target: string;
  // Exactly as recorded, make-escaped (`$$` for `$`, `$(pound)` for `#`): what fixdep wants back.
  command: string;
  source: string | undefined;
  // Files the compile read: absolute, or relative to the kernel tree (make runs there).
  dependencies: string[];
  // `$(wildcard ...)` entries: files whose appearance would change the build.
  wildcards: string[];
  // The `<target>: $(wildcard <objtool>)` block kbuild appends after running objtool.
  objtoolDependency: string | undefined;
  exportsSymbols: boolean;
}

export function parseRecordedCommand(text: string): RecordedCommand | undefined {
  const commandLine = /^(?:saved)?cmd_(\S+) := (.*)$/m.exec(text);
  if (!commandLine) return undefined;
  const target = commandLine[1]!;
  const { dependencies, wildcards } = parseDependencyBlock(text);
  return {
    target,
    command: commandLine[2]!,
    source: /^source_\S+ := (.*)$/m.exec(text)?.[1]?.trim(),
    dependencies,
    wildcards,
    objtoolDependency: findObjtoolDependency(text, target),
    exportsSymbols: /^#SYMVER /m.test(text),
  };
}

// The shell command make would run: its own escapes undone.
export function unescapeMakeCommand(recorded: string): string {
  return recorded.replaceAll("$(pound)", "#").replaceAll("$$", "$");
}

function parseDependencyBlock(text: string): { dependencies: string[]; wildcards: string[] } {
  const dependencies: string[] = [];
  const wildcards: string[] = [];
  const start = text.search(/^deps_\S+ := \\$/m);
  if (start === -1) return { dependencies, wildcards };
  for (const line of text.slice(start).split("\n").slice(1)) {
    const entry = line.trim().replace(/ ?\\$/, "").trim();
    if (!entry) break;
    const wildcard = /^\$\(wildcard (\S+)\)$/.exec(entry);
    if (wildcard) wildcards.push(wildcard[1]!);
    else dependencies.push(entry);
  }
  return { dependencies, wildcards };
}

function findObjtoolDependency(text: string, target: string): string | undefined {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped}: \\$\\(wildcard (\\S*objtool)\\)$`, "m").exec(text)?.[0];
}
