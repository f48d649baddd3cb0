// The pure parts of the fast rebuild path: reading a .cmd file, comparing the dir with the last
// make's record, and choosing the commands to rerun. Inputs follow the shape of real 6.1 and 6.12
// .cmd files (cmd_ and savedcmd_), with a release no machine installs.
import { describe, expect, it } from "vitest";
import { parseRecordedCommand, unescapeMakeCommand, type RecordedCommand } from "../../../src/kbuild/cmd-file.js";
import {
  belongsToKernel,
  compareWithRecord,
  depfileOf,
  linkerOf,
  makeExports,
  planFinish,
  planObjects,
  type FastRebuildRecord,
  type ModuleUnit,
} from "../../../src/kbuild/fast-rebuild/plan.js";
import { objcopyFor } from "../../../src/kbuild/fast-rebuild/module-btf.js";

const COMMON = "/usr/src/linux-headers-6.1.0-850-common";
const COMPILE =
  `gcc-12 -Wp,-MMD,/m/.main.o.d -nostdinc -I${COMMON}/arch/x86/include -I./arch/x86/include/generated ` +
  `-DKBUILD_MODNAME='"multi"' -c -o /m/main.o /m/main.c   ; ./tools/objtool/objtool --orc --module /m/main.o`;
const CMD_FILE = `cmd_/m/main.o := ${COMPILE}

source_/m/main.o := /m/main.c

deps_/m/main.o := \\
  ${COMMON}/include/linux/kconfig.h \\
    $(wildcard include/config/CPU_BIG_ENDIAN) \\
  /m/helper.h \\

/m/main.o: $(deps_/m/main.o)

$(deps_/m/main.o):

/m/main.o: $(wildcard ./tools/objtool/objtool)
`;

describe("parseRecordedCommand", () => {
  it("reads a 6.1 object's command, source, dependencies, wildcards and objtool block", () => {
    expect(parseRecordedCommand(CMD_FILE)).toEqual({
      target: "/m/main.o",
      command: COMPILE,
      source: "/m/main.c",
      dependencies: [`${COMMON}/include/linux/kconfig.h`, "/m/helper.h"],
      wildcards: ["include/config/CPU_BIG_ENDIAN"],
      objtoolDependency: "/m/main.o: $(wildcard ./tools/objtool/objtool)",
      exportsSymbols: false,
    });
  });

  it("reads a 6.12 link command without a source, and sees genksyms' #SYMVER lines", () => {
    const link = parseRecordedCommand(
      "savedcmd_/m/multi.ko := ld -r -m elf_x86_64 -T arch/x86/module.lds -o /m/multi.ko /m/multi.o /m/multi.mod.o\n",
    );
    expect(link).toMatchObject({
      target: "/m/multi.ko",
      source: undefined,
      dependencies: [],
      objtoolDependency: undefined,
      exportsSymbols: false,
    });
    expect(parseRecordedCommand(`${CMD_FILE}#SYMVER helper_value 0x10a4372d\n`)?.exportsSymbols).toBe(true);
    expect(parseRecordedCommand("not a cmd file\n")).toBeUndefined();
  });

  it("undoes make's escapes for the shell", () => {
    expect(unescapeMakeCommand("sed 's/ko$$/o/' x | modpost -D'$(pound)x'")).toBe("sed 's/ko$/o/' x | modpost -D'#x'");
    expect(depfileOf(COMPILE)).toBe("/m/.main.o.d");
    expect(depfileOf("ld -r -o /m/multi.o @/m/multi.mod")).toBeUndefined();
  });
});

const record: FastRebuildRecord = {
  format: 1,
  key: "k",
  files: { Kbuild: "h1", "main.c": "" },
  commands: { ".main.o.cmd": "cc main" },
  symbols: {},
};

describe("compareWithRecord", () => {
  const same = { key: "k", files: { ...record.files }, commands: { ...record.commands } };
  it("finds nothing when only sources' contents changed", () => expect(compareWithRecord(record, same)).toBeUndefined());
  it.each([
    [undefined, same, /no full make/],
    [record, { ...same, key: "other" }, /kernel, make flags or build environment changed/],
    [record, { ...same, files: { ...same.files, "extra.c": "" } }, /extra\.c is new/],
    [record, { ...same, files: { Kbuild: "h1" } }, /main\.c was removed/],
    [record, { ...same, files: { ...same.files, Kbuild: "h2" } }, /Kbuild changed/],
    [record, { ...same, commands: {} }, /\.main\.o\.cmd, where kbuild recorded a command, is missing/],
    [record, { ...same, commands: { ".main.o.cmd": "cc -DX main" } }, /command recorded in \.main\.o\.cmd changed/],
  ])("gives a reason to run make (%#)", (recorded, current, reason) => expect(compareWithRecord(recorded, current)).toMatch(reason));
});

describe("planObjects and planFinish", () => {
  const object = (target: string, source: string, extra: Partial<RecordedCommand> = {}): RecordedCommand => ({
    target,
    command: `cc -Wp,-MMD,x.d -c -o ${target} ${source}`,
    source,
    dependencies: [`${COMMON}/include/linux/kconfig.h`, "/m/helper.h"],
    wildcards: [],
    objtoolDependency: undefined,
    exportsSymbols: false,
    ...extra,
  });
  const unit = (commands: RecordedCommand[]): ModuleUnit => ({
    name: "multi",
    object: "/m/multi.o",
    members: ["/m/main.o", "/m/helper.o"],
    ko: "/m/multi.ko",
    modSource: "/m/multi.mod.c",
    modObject: "/m/multi.mod.o",
    commands: new Map([...commands.map((command) => [command.target, command] as const), ["/m/multi.o", object("/m/multi.o", "")]]),
  });
  const members = [object("/m/main.o", "/m/main.c"), object("/m/helper.o", "/m/helper.c")];
  const times: Record<string, number> = {
    "/m/main.o": 10,
    "/m/helper.o": 10,
    "/m/main.c": 5,
    "/m/helper.c": 5,
    "/m/helper.h": 5,
    [`${COMMON}/include/linux/kconfig.h`]: 1,
    "/m/multi.o": 11,
  };
  const at = (changes: Record<string, number | undefined>) => (path: string) => (path in changes ? changes[path] : times[path]);
  const isKernel = (path: string) => belongsToKernel(path, [COMMON]);

  it("recompiles the object whose source is newer and relinks its module", () => {
    const plan = planObjects([unit(members)], at({ "/m/main.c": 20 }), isKernel);
    expect(plan).toEqual({ compile: [members[0]], link: [expect.objectContaining({ name: "multi" })] });
  });

  it("recompiles every object that includes a changed module header, and nothing when nothing changed", () => {
    expect(planObjects([unit(members)], at({ "/m/helper.h": 20 }), isKernel)).toMatchObject({ compile: members });
    expect(planObjects([unit(members)], at({}), isKernel)).toEqual({ compile: [], link: [] });
    // An object a failed compile removed is compiled again by the command its .cmd still records.
    expect(planObjects([unit(members)], at({ "/m/helper.o": undefined }), isKernel)).toMatchObject({ compile: [members[1]] });
  });

  it.each([
    [{ [`${COMMON}/include/linux/kconfig.h`]: 20 }, [], /kernel header .*kconfig\.h is newer than main\.o/],
    [{ "/m/helper.h": undefined }, [], /helper\.h, which main\.o includes, is gone/],
    [{ "/m/main.c": undefined }, [], /main\.c is gone/],
    [{ "/m/main.c": 20 }, [object("/m/main.o", "/m/main.c", { exportsSymbols: true }), members[1]!], /main\.o exports symbols/],
    [
      { "include/config/X": 20 },
      [object("/m/main.o", "/m/main.c", { wildcards: ["include/config/X"] }), members[1]!],
      /include\/config\/X appeared/,
    ],
  ])("hands to make what it cannot prove (%#)", (changes, commands, reason) => {
    expect(planObjects([unit(commands.length ? commands : members)], at(changes), isKernel)).toEqual({
      fallback: expect.stringMatching(reason),
    });
  });

  it("recompiles a .mod.o only when modpost rewrote the .mod.c, and relinks the changed modules", () => {
    const finishTimes = { "/m/multi.mod.c": 3, "/m/multi.mod.o": 4, "/m/multi.o": 30, "/m/multi.ko": 20 };
    const unchanged = planFinish([unit(members)], (path) => (finishTimes as Record<string, number>)[path], new Set(["multi"]));
    expect(unchanged).toEqual({ compileMod: [], linkKo: [expect.objectContaining({ name: "multi" })] });
    const rewritten = planFinish(
      [unit(members)],
      (path) => (({ ...finishTimes, "/m/multi.mod.c": 40 }) as Record<string, number>)[path],
      new Set(),
    );
    expect(rewritten.compileMod.map((module) => module.name)).toEqual(["multi"]);
  });
});

describe("the commands' surroundings", () => {
  it("names the objcopy pahole uses after the recorded linker", () => {
    expect(objcopyFor("x86_64-linux-gnu-ld")).toBe("x86_64-linux-gnu-objcopy");
    expect(objcopyFor("ld")).toBe("objcopy");
    expect(objcopyFor("ld.lld-15")).toBe("llvm-objcopy-15");
    expect(objcopyFor("mold")).toBeUndefined();
    expect(linkerOf("  x86_64-linux-gnu-ld -r -o x.ko")).toBe("x86_64-linux-gnu-ld");
  });

  it("gives objtool the SRCARCH make exports, from the recorded include paths", () => {
    expect(makeExports(COMPILE)).toEqual({ SRCARCH: "x86" });
    expect(makeExports("cc -c -o x.o x.c")).toEqual({});
  });
});
