// Pure: how long a guest run may take. Without --timeout or kforge.json vm.timeout, 60 s; for a debug
// kernel 180 s, since KASAN (inline), lockdep and kmemleak make booting, sending modules in and loading
// them several times slower under TCG, and 60 s cut real projects with large in-tree modules short.
import { parseBuiltRelease } from "../kernel/built-release.js";
import { toTimeoutMs } from "./timeout.js";

export const TIME_LIMIT_SECONDS = { plain: 60, debug: 180 } as const;

export interface TimeLimit {
  seconds: number;
  // Where it came from, for the advice: "--timeout", "kforge.json vm.timeout", or the default.
  source: string;
}

// Throws a usage error for a limit longer than kforge can wait (timeout.ts).
export function chooseTimeLimit(input: { flag?: number; config?: number; release: string }): TimeLimit {
  const limit = pickTimeLimit(input);
  toTimeoutMs(limit.seconds, limit.source);
  return limit;
}

function pickTimeLimit(input: { flag?: number; config?: number; release: string }): TimeLimit {
  if (input.flag !== undefined) return { seconds: input.flag, source: "--timeout" };
  if (input.config !== undefined) return { seconds: input.config, source: "kforge.json vm.timeout" };
  return parseBuiltRelease(input.release)?.debug
    ? { seconds: TIME_LIMIT_SECONDS.debug, source: "the default for a debug kernel" }
    : { seconds: TIME_LIMIT_SECONDS.plain, source: "the default" };
}
