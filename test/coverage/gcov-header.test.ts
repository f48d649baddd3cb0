// The .gcno/.gcda header on the fixture module's real files (captured together, so they match), and
// the mismatches the host refuses: another compilation's stamp, another GCC's version, not gcov at all.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeMismatch, gccMajorOf, parseGcovHeader } from "../../src/coverage/gcov-header.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/coverage/${name}`, import.meta.url));
const notes = fixture("twofunc.gcno");
const data = fixture("twofunc.gcda");

// A copy with a 32-bit word of the header replaced (little-endian, as the files are).
function withWord(bytes: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(value, offset);
  return copy;
}

describe("parseGcovHeader", () => {
  it("reads kind, GCC version and stamp of the notes and the counters", () => {
    const parsedNotes = parseGcovHeader(notes)!;
    const parsedData = parseGcovHeader(data)!;
    expect(parsedNotes).toMatchObject({ kind: "notes", version: "B22*", gccMajor: 12 });
    expect(parsedData).toMatchObject({ kind: "data", version: "B22*", gccMajor: 12 });
    expect(parsedData.stamp).toBe(parsedNotes.stamp);
    expect(parseGcovHeader(Buffer.from("not gcov at all"))).toBeUndefined();
    expect(parseGcovHeader(Buffer.alloc(4))).toBeUndefined();
  });

  it("decodes GCC majors from gcov-io's version letters", () => {
    expect(gccMajorOf("B22*")).toBe(12);
    expect(gccMajorOf("A93*")).toBe(9);
    expect(gccMajorOf("B32*")).toBe(13);
  });
});

describe("describeMismatch", () => {
  it("accepts counters of the same compilation", () => {
    expect(describeMismatch("twofunc", parseGcovHeader(notes), parseGcovHeader(data))).toBeUndefined();
  });

  it("refuses counters of another compilation (the module rebuilt meanwhile), naming both stamps", () => {
    const rebuilt = withWord(notes, 8, 0x12345678);
    expect(describeMismatch("twofunc", parseGcovHeader(rebuilt), parseGcovHeader(data))).toMatch(
      new RegExp(
        String.raw`^twofunc\.gcda does not match twofunc\.gcno \(stamp 0x[0-9a-f]{8} ` +
          String.raw`against 0x12345678\): the module was rebuilt after the guest loaded it$`,
      ),
    );
  });

  it("refuses counters of another GCC and files that are not gcov's", () => {
    // "B32*", GCC 13.2, in the file's byte order.
    const gcc13 = withWord(data, 4, 0x4233322a);
    expect(describeMismatch("twofunc", parseGcovHeader(notes), parseGcovHeader(gcc13))).toBe(
      "twofunc.gcda was written for GCC 13 (version B32*), its .gcno by GCC 12 (B22*)",
    );
    expect(describeMismatch("twofunc", parseGcovHeader(data), parseGcovHeader(data))).toBe("twofunc.gcno is not a gcov notes file");
    expect(describeMismatch("twofunc", parseGcovHeader(notes), undefined)).toBe("twofunc.gcda from the guest is not a gcov data file");
  });
});
