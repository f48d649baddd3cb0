// Pure: the compile command of one object from the `.<object>.cmd` file kbuild leaves beside it, read
// with kbuild's one .cmd parser. The command may be followed by `; objtool ...` post-processing, which
// is not part of compiling the file.
import { parseRecordedCommand } from "../kbuild/cmd-file.js";

export interface CompileCommand {
  source: string;
  output: string;
  command: string;
}

export function parseCmdFile(text: string): CompileCommand | undefined {
  const recorded = parseRecordedCommand(text);
  if (!recorded?.source) return undefined;
  return { output: recorded.target, source: recorded.source, command: recorded.command.split(" ; ")[0]!.trim() };
}
