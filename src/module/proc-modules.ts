// Pure parser for /proc/modules (kernel/module/procfs.c, m_show):
// "name size refcnt deps state address [(taints)]", deps "a,b," / "-" / "[permanent],".

export type ModuleState = "Live" | "Loading" | "Unloading";

export interface ProcModule {
  name: string;
  size: number;
  // undefined without CONFIG_MODULE_UNLOAD (printed as "-"); -1 while Unloading (seen on 6.12).
  refcount: number | undefined;
  usedBy: string[];
  // Has an init function but no exit: can never be unloaded.
  permanent: boolean;
  state: ModuleState;
  address: string;
  // Taint letters without the parentheses or the +/- state marker, e.g. "OE".
  taints: string;
}

export interface MalformedLine {
  line: number;
  text: string;
  reason: string;
}

export interface ProcModulesTable {
  modules: ProcModule[];
  malformed: MalformedLine[];
}

const STATES: readonly string[] = ["Live", "Loading", "Unloading"];

type LineResult = { module: ProcModule } | { reason: string };

function parseUsedBy(field: string): { usedBy: string[]; permanent: boolean } | undefined {
  if (field === "-") return { usedBy: [], permanent: false };
  if (!field.endsWith(",")) return undefined;
  const names = field.slice(0, -1).split(",");
  if (names.some((name) => !name)) return undefined;
  return { usedBy: names.filter((name) => name !== "[permanent]"), permanent: names.includes("[permanent]") };
}

function parseLine(text: string): LineResult {
  const fields = text.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) return { reason: `expected 6 or 7 fields, found ${fields.length}` };
  const [name, size, refcount, deps, state, address, taints] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (!/^[\w-]+$/.test(name)) return { reason: `invalid module name "${name}"` };
  if (!/^\d+$/.test(size)) return { reason: `size "${size}" is not a number` };
  if (refcount !== "-" && !/^-?\d+$/.test(refcount)) return { reason: `reference count "${refcount}" is not a number` };
  const usedBy = parseUsedBy(deps);
  if (!usedBy) return { reason: `used-by list "${deps}" is neither "-" nor comma-terminated names` };
  if (!STATES.includes(state)) return { reason: `state "${state}" is not Live, Loading or Unloading` };
  if (!/^0x[0-9a-f]+$/i.test(address)) return { reason: `address "${address}" is not hexadecimal` };
  if (taints !== undefined && !/^\([A-Z]*[+-]?\)$/.test(taints)) return { reason: `taint field "${taints}" is not "(LETTERS)"` };
  return {
    module: {
      name,
      size: Number(size),
      refcount: refcount === "-" ? undefined : Number(refcount),
      ...usedBy,
      state: state as ModuleState,
      address,
      taints: taints ? taints.replace(/[()+-]/g, "") : "",
    },
  };
}

export function parseProcModules(text: string): ProcModulesTable {
  const modules: ProcModule[] = [];
  const malformed: MalformedLine[] = [];
  text.split("\n").forEach((line, index) => {
    if (!line.trim()) return;
    const result = parseLine(line);
    if ("module" in result) modules.push(result.module);
    else malformed.push({ line: index + 1, text: line, reason: result.reason });
  });
  return { modules, malformed };
}

export function findProcModule(table: ProcModulesTable, name: string): ProcModule | undefined {
  const wanted = name.replaceAll("-", "_");
  return table.modules.find((module) => module.name === wanted);
}
