// Pure: the compile command of one object from the `.<object>.cmd` file kbuild leaves beside it.
// 6.1 writes `cmd_<object> := <command>`, 6.12 `savedcmd_<object> := ...`; either may be followed by
// `; objtool ...` post-processing, which is not part of compiling the file.
export interface CompileCommand {
  source: string;
  output: string;
  command: string;
}

export function parseCmdFile(text: string): CompileCommand | undefined {
  const commandLine = /^(?:saved)?cmd_(\S+)\s*:=\s*(.*)$/m.exec(text);
  const sourceLine = /^source_\S+\s*:=\s*(\S+)\s*$/m.exec(text);
  if (!commandLine || !sourceLine) return undefined;
  const command = commandLine[2]!.split(" ; ")[0]!.trim();
  return { output: commandLine[1]!, source: sourceLine[1]!, command };
}
