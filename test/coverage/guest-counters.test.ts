// The guest's counter dump: the command's shape, and a parser that believes only well-formed paths
// of the objects it expects (the guest is untrusted).
import { describe, expect, it } from "vitest";
import { dumpCountersCommand, parseCounterDump, RESET_COUNTERS_COMMAND } from "../../src/coverage/guest-counters.js";

const line = (path: string, bytes: string) => `kforge-gcda ${path} ${Buffer.from(bytes).toString("base64")}`;

describe("dumpCountersCommand", () => {
  it("reads the build dir's counters under debugfs gcov, quoted, and says when gcov is missing", () => {
    const command = dumpCountersCommand("/home/me/it's here");
    expect(command).toContain(`cd '/sys/kernel/debug/gcov/home/me/it'\\''s here' 2>/dev/null || exit 0`);
    expect(command).toContain("base64 -w 0");
    expect(command).toContain("has no CONFIG_GCOV_KERNEL");
    expect(RESET_COUNTERS_COMMAND).toBe("echo 0 > /sys/kernel/debug/gcov/reset");
  });
});

describe("parseCounterDump", () => {
  const expected = new Set(["twofunc", "sub/part"]);

  it("takes the expected objects' bytes", () => {
    const dump = [line("./twofunc.gcda", "abc"), line("./sub/part.gcda", "xyz"), "noise"].join("\n");
    const counters = parseCounterDump(dump, expected);
    expect([...counters.keys()]).toEqual(["twofunc", "sub/part"]);
    expect(counters.get("sub/part")!.toString()).toBe("xyz");
  });

  it("ignores paths that climb out, absolute ones, unexpected objects and malformed lines", () => {
    const dump = [
      line("./../twofunc.gcda", "a"),
      line("./sub/../twofunc.gcda", "b"),
      line("/etc/passwd.gcda", "c"),
      line("./other.gcda", "d"),
      "kforge-gcda ./twofunc.gcda not*base64",
      `${line("./twofunc.gcda", "e")} trailing`,
    ].join("\n");
    expect(parseCounterDump(dump, expected).size).toBe(0);
  });
});
