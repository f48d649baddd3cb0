// kforge.json: optional tool settings for a module dir. Kbuild/Makefile stay the source of truth
// for what is built; this file only holds defaults for kforge's own flags.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";

export interface MakeSettings {
  jobs?: number;
  llvm?: boolean;
  arch?: string;
  crossCompile?: string;
  warnings?: number;
  werror?: boolean;
  check?: boolean;
  // Extra make variables, NAME -> value, as if passed after `--`.
  variables?: Record<string, string>;
}

export interface VmSettings {
  // Path to a vmlinuz/bzImage to boot instead of the one found for the release.
  kernel?: string;
  // Shell commands (or script files in the module dir) run in the guest after the modules load.
  test?: string[];
  // Project modules to load (plus the modules they need) instead of all of them.
  modules?: string[];
  timeout?: number;
  accel?: "auto" | "kvm" | "tcg";
  memory?: number;
  // Emulated devices: shortcuts (edu, usb-kbd, ...) or raw QEMU -device values (vm/qemu/devices.ts).
  devices?: string[];
  // "host": the test steps run in the host's root filesystem, shared read-only (vm/host-root/).
  userspace?: "busybox" | "host";
  // With the host userspace: the project dir is writable in the guest (read-only by default).
  projectWritable?: boolean;
  // Where files test steps write under $KFORGE_ARTIFACTS come back to, inside the module dir (project/artifacts.ts).
  artifacts?: string;
}

export interface KforgeConfig {
  // Default kernel release (or releases) to build for.
  kernel?: string | string[];
  kdir?: string;
  make?: MakeSettings;
  // Module parameters for load commands, per module name: {"hello": {"count": 3}}.
  params?: Record<string, Record<string, string | number | boolean>>;
  vm?: VmSettings;
  // Module signing key and certificate (kforge sign, kforge install); paths relative to the module dir.
  sign?: { key?: string; cert?: string };
  // Write compile_commands.json after every successful build.
  compileCommands?: boolean;
  // DKMS package name and version (default: the dir's name, git describe).
  package?: { name?: string; version?: string };
  // Kernels and configs the modules build for (shape shared with matrix builds).
  gates?: { minKernel?: string; maxKernel?: string; arch?: string[]; config?: string[] };
  // How to build: "dkms" (dkms.conf's MAKE[] for the kernel) or the project's own command, run without a
  // shell with ${kernelver}, ${kernel_source_dir} and ${dkms_tree} expanded; default: kforge's kbuild call.
  build?: { command?: string | string[] };
  // Kconfig options the project's own build of the debug kernel adds: {"CONFIG_FOO": "y"} (kforge kernel build --for).
  debugKernel?: { config?: Record<string, string> };
  check?: CheckConfig;
  // --coverage's report files: which formats, and where (relative to the module dir).
  coverage?: { formats?: ("lcov" | "cobertura" | "html")[]; output?: string };
}

// `kforge check`: which checkers run, which of their rules are ignored, and which severities fail the run.
export interface CheckConfig {
  checkers?: string[];
  // Per checker: checkpatch types, sparse message text, W=1 warning options, coccinelle semantic patches.
  ignore?: { checkpatch?: string[]; sparse?: string[]; w1?: string[]; coccinelle?: string[] };
  failOn?: string[];
  // Semantic patches to run instead of all, as named under scripts/coccinelle/: "api/memdup" (coccicheck's COCCI=).
  semanticPatches?: string[];
  // Seconds one checker process may run.
  timeout?: number;
  // A kernel source tree holding scripts/checkpatch.pl and scripts/coccinelle/.
  source?: string;
}

export const CHECKER_NAMES = ["checkpatch", "sparse", "w1", "coccinelle"] as const;
export const SEVERITY_NAMES = ["error", "warning", "note"] as const;

export const CONFIG_FILE = "kforge.json";

type Check = (value: unknown, path: string) => void;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function fail(path: string, expected: string, value: unknown, hint?: string): never {
  const subject = path === "" ? `the top level of ${CONFIG_FILE}` : `${CONFIG_FILE}: ${path}`;
  const fix = hint ?? (path === "" ? `make ${CONFIG_FILE} a JSON object such as {"make": {"jobs": 4}}` : `fix ${path} in ${CONFIG_FILE}`);
  throw new UsageError(`${subject} must be ${expected}, got ${JSON.stringify(value)}`, fix);
}

// Levenshtein distance, for "did you mean" on unknown keys.
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = previous[column - 1]! + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length]!;
}

// The known key an unknown one was probably meant to be: a plural/singular slip or a small typo.
export function suggestKey(unknown: string, known: string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const plural = known.find((key) => key.toLowerCase() === lower || `${key}s`.toLowerCase() === lower || key.toLowerCase() === `${lower}s`);
  if (plural) return plural;
  const limit = lower.length <= 4 ? 1 : 2;
  const ranked = known.map((key) => ({ key, distance: editDistance(lower, key.toLowerCase()) })).sort((a, b) => a.distance - b.distance);
  return ranked[0] && ranked[0].distance <= limit ? ranked[0].key : undefined;
}

const string: Check = (value, path) => typeof value === "string" || fail(path, "a string", value);
const boolean: Check = (value, path) => typeof value === "boolean" || fail(path, "true or false", value);
const positiveInteger: Check = (value, path) =>
  (Number.isInteger(value) && (value as number) > 0) || fail(path, "a positive whole number", value);
const oneOf =
  (...choices: unknown[]): Check =>
  (value, path) =>
    choices.includes(value) || fail(path, `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`, value);
const stringOrStrings: Check = (value, path) =>
  typeof value === "string" ||
  (Array.isArray(value) && value.every((item) => typeof item === "string")) ||
  fail(path, "a string or a list of strings", value);
const strings: Check = (value, path) =>
  (Array.isArray(value) && value.every((item) => typeof item === "string")) || fail(path, "a list of strings", value);
const listOf =
  (...choices: readonly string[]): Check =>
  (value, path) =>
    (Array.isArray(value) && value.every((item) => choices.includes(item))) ||
    fail(path, `a list of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`, value);

// `example` shows the expected form in the hint when the value is not an object.
function record(check: Check, example?: (path: string, value: unknown) => string): Check {
  return (value, path) => {
    if (!isObject(value)) fail(path, "an object", value, example?.(path, value));
    for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`);
  };
}

function shape(fields: Record<string, Check>): Check {
  return (value, path) => {
    if (!isObject(value)) fail(path, "an object", value);
    for (const [key, item] of Object.entries(value)) {
      // Own keys only: "constructor" or "toString" must not find Object.prototype's.
      const check = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (!check) {
        const prefix = path ? `${path}.` : "";
        const suggestion = suggestKey(key, Object.keys(fields));
        const known = `known keys here: ${Object.keys(fields).join(", ")}`;
        throw new UsageError(
          `${CONFIG_FILE}: unknown key ${prefix}${key}`,
          suggestion ? `did you mean ${prefix}${suggestion}? (${known})` : known,
        );
      }
      check(item, path ? `${path}.${key}` : key);
    }
  };
}

const parameterValue: Check = (value, path) =>
  ["string", "number", "boolean"].includes(typeof value) || fail(path, "a string, number or boolean", value);

const kconfigValue: Check = (value, path) => {
  const option = path.split(".").pop()!;
  if (!/^CONFIG_[A-Z0-9_]+$/.test(option))
    throw new UsageError(
      `${CONFIG_FILE}: ${path}: "${option}" is not a Kconfig option`,
      'name options in full, e.g. {"debugKernel": {"config": {"CONFIG_FOO": "y"}}}',
    );
  if (typeof value !== "string") fail(path, 'a Kconfig value as a string ("y", "m", "n", "42", "\\"text\\"")', value);
};

const validateConfig = shape({
  $schema: string,
  kernel: stringOrStrings,
  kdir: string,
  make: shape({
    jobs: positiveInteger,
    llvm: boolean,
    arch: string,
    crossCompile: string,
    warnings: oneOf(1, 2, 3),
    werror: boolean,
    check: boolean,
    variables: record(string),
  }),
  params: record(
    record(parameterValue, (path, value) => {
      const name = path.split(".").pop()!;
      return `parameters are grouped per module: {"params": {"<module>": {${JSON.stringify(name)}: ${JSON.stringify(value)}}}}`;
    }),
  ),
  sign: shape({ key: string, cert: string }),
  compileCommands: boolean,
  package: shape({ name: string, version: string }),
  gates: shape({ minKernel: string, maxKernel: string, arch: strings, config: strings }),
  build: shape({ command: stringOrStrings }),
  debugKernel: shape({ config: record(kconfigValue) }),
  check: shape({
    checkers: listOf(...CHECKER_NAMES),
    ignore: shape({ checkpatch: strings, sparse: strings, w1: strings, coccinelle: strings }),
    failOn: listOf(...SEVERITY_NAMES),
    semanticPatches: strings,
    timeout: positiveInteger,
    source: string,
  }),
  coverage: shape({ formats: listOf("lcov", "cobertura", "html"), output: string }),
  vm: shape({
    kernel: string,
    test: strings,
    timeout: positiveInteger,
    accel: oneOf("auto", "kvm", "tcg"),
    memory: positiveInteger,
    modules: strings,
    devices: strings,
    userspace: oneOf("busybox", "host"),
    projectWritable: boolean,
    artifacts: string,
  }),
});

// Objects without a prototype: a key such as "__proto__" or "constructor" (a module may be named so
// in params) is then an ordinary key, and a lookup of a missing one never finds Object.prototype's.
const withoutPrototype = (_key: string, value: unknown) => (isObject(value) ? Object.assign(Object.create(null), value) : value);

// Pure: validate parsed JSON; throws UsageError naming the key's path. A leading byte order mark
// (some Windows editors write one) is not part of the JSON and is skipped.
export function parseConfig(text: string): KforgeConfig {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""), withoutPrototype);
  } catch (error) {
    throw new UsageError(`${CONFIG_FILE} is not valid JSON: ${(error as Error).message}`, `fix the syntax of ${CONFIG_FILE}`);
  }
  validateConfig(value, "");
  return value as KforgeConfig;
}

// Reads <dir>/kforge.json; a missing file is an empty config.
export async function loadConfig(dir: string): Promise<KforgeConfig> {
  let text: string;
  try {
    text = await readFile(join(dir, CONFIG_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UsageError(`cannot read ${join(dir, CONFIG_FILE)}: ${(error as Error).message}`);
  }
  return parseConfig(text);
}
