// Pure: kforge.json's minKernel/maxKernel gates as one BUILD_EXCLUSIVE_KERNEL regular expression.
// DKMS before 3.0.12 (Debian 12 ships 3.0.10) ignores BUILD_EXCLUSIVE_KERNEL_MIN/_MAX but matches
// BUILD_EXCLUSIVE_KERNEL with bash's =~ (POSIX extended, no \d, no lookahead), so the range is spelled
// out component by component. It admits exactly the releases compareVersionPrefix admits.
import { UsageError } from "../errors.js";

type Bound = number[] | undefined;

// A version component ends at anything but a digit: "6.1" must not match the start of "6.10".
const END = "([^0-9]|$)";

export function kernelRangePattern(minKernel: string | undefined, maxKernel: string | undefined): string {
  const [low, high] = [parseBound(minKernel, "minKernel"), parseBound(maxKernel, "maxKernel")];
  if (low && high && compareOnCommonLength(low, high) > 0) {
    throw new UsageError(
      `kforge.json gates admit no kernel: minKernel ${minKernel} is newer than maxKernel ${maxKernel}`,
      "fix gates.minKernel or gates.maxKernel in kforge.json",
    );
  }
  return `^(${components(low, high)})`;
}

function parseBound(version: string | undefined, name: string): Bound {
  if (version === undefined) return undefined;
  if (!/^\d+(\.\d+)*$/.test(version))
    throw new UsageError(
      `kforge.json gates.${name} "${version}" is not a version such as 5.15`,
      `set gates.${name} to dot-separated numbers, e.g. "6.1"`,
    );
  return version.split(".").map(Number);
}

function compareOnCommonLength(left: number[], right: number[]): number {
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    if (left[index] !== right[index]) return Math.sign(left[index]! - right[index]!);
  }
  return 0;
}

// The rest of a release, from its next version component on, within the bounds (inclusive prefixes).
function components(low: Bound, high: Bound): string {
  const [first, last] = [low?.[0], high?.[0]];
  const rest = (bound: Bound) => (bound && bound.length > 1 ? bound.slice(1) : undefined);
  const next = (lowRest: Bound, highRest: Bound) => (lowRest || highRest ? `\\.(${components(lowRest, highRest)})` : END);
  if (first !== undefined && first === last) return `${first}${next(rest(low), rest(high))}`;
  const alternatives: string[] = [];
  const between = integerRange(first === undefined ? 0 : first + 1, last === undefined ? Infinity : last - 1);
  if (between) alternatives.push(`(${between})${END}`);
  if (first !== undefined) alternatives.push(`${first}${next(rest(low), undefined)}`);
  if (last !== undefined) alternatives.push(`${last}${next(undefined, rest(high))}`);
  return alternatives.join("|");
}

// Alternatives matching the whole numbers from..to (to may be Infinity); "" when there are none.
export function integerRange(from: number, to: number): string {
  if (from > to) return "";
  if (to === Infinity) {
    const digits = String(from).length;
    return [integerRange(from, 10 ** digits - 1), `[1-9][0-9]{${digits},}`].filter(Boolean).join("|");
  }
  const parts: string[] = [];
  for (let length = String(from).length; length <= String(to).length; length++) {
    const low = Math.max(from, length === 1 ? 0 : 10 ** (length - 1));
    const high = Math.min(to, 10 ** length - 1);
    parts.push(sameLength(String(low), String(high)));
  }
  return parts.join("|");
}

const group = (pattern: string) => (pattern.includes("|") ? `(${pattern})` : pattern);
const digits = (from: number, to: number) => (from === to ? String(from) : `[${from}-${to}]`);

// low < high or equal, both with the same number of digits: the first digit's partial ranges, then
// the first digits whose every tail is in range.
function sameLength(low: string, high: string): string {
  if (low === high) return low;
  const [first, last] = [Number(low[0]), Number(high[0])];
  const [lowTail, highTail] = [low.slice(1), high.slice(1)];
  if (first === last) return `${first}${group(sameLength(lowTail, highTail))}`;
  const anyTail = lowTail.length === 0 ? "" : lowTail.length === 1 ? "[0-9]" : `[0-9]{${lowTail.length}}`;
  const [lowWhole, highWhole] = [/^0*$/.test(lowTail), /^9*$/.test(highTail)];
  const parts: string[] = [];
  if (!lowWhole) parts.push(`${first}${group(sameLength(lowTail, "9".repeat(lowTail.length)))}`);
  const [from, to] = [lowWhole ? first : first + 1, highWhole ? last : last - 1];
  if (from <= to) parts.push(`${digits(from, to)}${anyTail}`);
  if (!highWhole) parts.push(`${last}${group(sameLength("0".repeat(highTail.length), highTail))}`);
  return parts.join("|");
}
