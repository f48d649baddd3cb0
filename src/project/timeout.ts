// Pure: the limit on a guest run's --timeout. Node's timers hold at most 2^31-1 ms (24.8 days); a
// longer delay fires after 1 ms, which would end every step at once as a false hang.
import { UsageError } from "../errors.js";

export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

// The timeout in milliseconds, or a usage error naming where the value came from.
export function toTimeoutMs(seconds: number, source: string): number {
  if (seconds <= MAX_TIMEOUT_SECONDS) return seconds * 1000;
  throw new UsageError(
    `${source} ${seconds} is longer than kforge can wait: at most ${MAX_TIMEOUT_SECONDS} seconds (24 days)`,
    `use a smaller ${source === "--timeout" ? "--timeout" : "vm.timeout"}, such as the default 60`,
  );
}
