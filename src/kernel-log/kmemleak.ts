// Pure: reads /sys/kernel/debug/kmemleak and finds the frames of each leaked object's allocation
// backtrace that lie in a project module. Read after the modules are unloaded, such a frame is a bare
// address (kallsyms no longer knows the module), so it is matched against the addresses the module's
// sections had while it was loaded (/sys/module/<name>/sections/<section>).

export interface LeakedObject {
  // The header line: "unreferenced object 0xff11000000c05f00 (size 96):".
  title: string;
  size: number;
  comm?: string;
  frames: string[];
  lines: string[];
}

export interface SectionRange {
  module: string;
  section: string;
  start: bigint;
  size: number;
}

// Where a frame lies in a project module: by section offset (a bare address) or by name.
export type ModuleFrame = { module: string; section: string; sectionOffset: number } | { module: string; function: string; offset: number };

const HEADER = /^unreferenced object 0x[0-9a-f]+ \(size (\d+)\):$/;
const COMM = /^comm "(.*)", pid \d+/;
const SECTION_LINE = /^\/sys\/module\/(\w+)\/sections\/(\S+):0x([0-9a-f]+)$/;
const BARE_ADDRESS = /^(?:\[<[0-9a-f]+>\] )?0x([0-9a-f]+)$/;
const NAMED_FRAME = /^(?:\[<[0-9a-f]+>\] )?([A-Za-z_][\w.]*)\+0x([0-9a-f]+)\/0x[0-9a-f]+(?: \[(\w+)\])?$/;

export function parseKmemleak(text: string): LeakedObject[] {
  const objects: LeakedObject[] = [];
  let current: LeakedObject | undefined;
  let inBacktrace = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const header = HEADER.exec(line);
    if (header) {
      current = { title: line, size: Number(header[1]), frames: [], lines: [line] };
      objects.push(current);
      inBacktrace = false;
      continue;
    }
    if (!current || !line) continue;
    current.lines.push(raw.trimEnd());
    const comm = COMM.exec(line);
    if (comm) current.comm = comm[1];
    if (line.startsWith("backtrace")) inBacktrace = true;
    else if (inBacktrace) current.frames.push(line);
  }
  return objects;
}

// `grep -H . /sys/module/<name>/sections/*text*` output as start addresses; sizes come from the .ko.
export function parseSectionAddresses(output: string): { module: string; section: string; start: bigint }[] {
  return output.split("\n").flatMap((line) => {
    const match = SECTION_LINE.exec(line.trim());
    return match ? [{ module: match[1]!, section: match[2]!, start: BigInt(`0x${match[3]}`) }] : [];
  });
}

// Init sections are freed once init returns and their memory may be reused by a later module's
// code: an address matching both belongs to the code still mapped, the non-init section.
export function findModuleFrame(frame: string, ranges: SectionRange[], projectModules: string[]): ModuleFrame | undefined {
  const bare = BARE_ADDRESS.exec(frame);
  if (bare) {
    const address = BigInt(`0x${bare[1]}`);
    const containing = ranges.filter((range) => address >= range.start && address < range.start + BigInt(range.size));
    const range = containing.find((candidate) => !candidate.section.startsWith(".init")) ?? containing[0];
    return range && { module: range.module, section: range.section, sectionOffset: Number(address - range.start) };
  }
  // A named frame in a project module: the module was still loaded when the file was read.
  const named = NAMED_FRAME.exec(frame);
  if (named?.[3] && projectModules.includes(named[3])) return { module: named[3], function: named[1]!, offset: parseInt(named[2]!, 16) };
  return undefined;
}
