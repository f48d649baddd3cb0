// Pure: the value parsers of the option table. Each throws a UsageError naming the option; the command
// line turns it into commander's own error, so both say the same thing.
import { UsageError } from "../errors.js";

export type OptionParser = (value: string, previous: unknown) => unknown;

export const positiveInteger =
  (name: string): OptionParser =>
  (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
    return parsed;
  };

// An empty value would otherwise silently mean "the default" (`-k ''`).
export const nonEmpty =
  (name: string): OptionParser =>
  (value) => {
    if (value.trim() === "") throw new UsageError(`${name} needs a value, got an empty string (leave the option out to use the default)`);
    return value;
  };

export const oneOf =
  (name: string, choices: readonly string[], what = choices.join(", ")): OptionParser =>
  (value) => {
    if (!choices.includes(value)) throw new UsageError(`${name} takes ${what}, got "${value}"`);
    return value;
  };

// A repeatable option collects its values in order.
export const repeated =
  (parse: OptionParser = (value) => value): OptionParser =>
  (value, previous) => [...((previous as unknown[] | undefined) ?? []), parse(value, undefined)];

export const warningLevel: OptionParser = (value) =>
  Number(oneOf("--warnings", ["1", "2", "3"], "1, 2 or 3 (kbuild's W= levels)")(value, undefined));
