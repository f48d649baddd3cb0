// The parser over real transcripts captured from kbuild with gcc 12 on Debian's 6.1 and 6.12
// headers (test/fixtures/kbuild/capture.sh re-creates them).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createKbuildOutputParser, parseKbuildOutput } from "../../src/kbuild/parse-output.js";

const ROOT = "/tmp/kforge-fixture";
const fixture = (name: string, version: string) =>
  readFileSync(new URL(`../fixtures/kbuild/${name}-${version}.txt`, import.meta.url), "utf8");
const strip = (diagnostics: ReturnType<typeof parseKbuildOutput>["diagnostics"]) =>
  diagnostics.map(({ severity, file, line, column, message, flag, context }) => ({ severity, file, line, column, message, flag, context }));

describe.each(["6.1", "6.12"])("kbuild output from %s", (version) => {
  it("turns a successful build into steps with paths relative to the module dir", () => {
    const { steps, diagnostics } = parseKbuildOutput(fixture("success", version), `${ROOT}/success`);
    expect(diagnostics).toEqual([]);
    expect(steps.slice(0, 2)).toEqual([
      { step: "CC [M]", target: "success.o" },
      { step: "MODPOST", target: "Module.symvers" },
    ]);
    expect(steps.map((step) => step.step)).toEqual(expect.arrayContaining(["LD [M]", "BTF [M]"]));
    expect(steps.find((step) => step.step === "LD [M]")?.target).toBe("success.ko");
  });

  it("reads a syntax error with its In function context, the warning and the -Werror flag", () => {
    const { diagnostics } = parseKbuildOutput(fixture("syntax-error", version), `${ROOT}/syntax-error`);
    expect(strip(diagnostics)).toEqual([
      {
        severity: "error",
        file: "broken.c",
        line: 6,
        column: 9,
        message: "expected ',' or ';' before 'return'",
        flag: null,
        context: "In function 's_init'",
      },
      {
        severity: "warning",
        file: "broken.c",
        line: 5,
        column: 13,
        message: "unused variable 'count'",
        flag: "-Wunused-variable",
        context: "In function 's_init'",
      },
      {
        severity: "error",
        file: "broken.c",
        line: 7,
        column: 1,
        message: "no return statement in function returning non-void",
        flag: "-Werror=return-type",
        context: "In function 's_init'",
      },
    ]);
  });

  it("reads a warning in a build that succeeds", () => {
    const { diagnostics, steps } = parseKbuildOutput(fixture("warning", version), `${ROOT}/warning`);
    expect(strip(diagnostics)).toEqual([
      {
        severity: "warning",
        file: "warn.c",
        line: 5,
        column: 13,
        message: "unused variable 'unused'",
        flag: "-Wunused-variable",
        context: "In function 'w_init'",
      },
    ]);
    expect(steps.at(-1)?.step).toBe("BTF [M]");
  });

  it("reads an error in an included header, with the note after it attached and the file that included it", () => {
    const { diagnostics } = parseKbuildOutput(fixture("header-error", version), `${ROOT}/header-error`);
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.context])).toEqual([
      ["error", "bad.h", 3, "In function 'bad_value'"],
      ["error", "bad.h", 4, "In function 'bad_value'"],
    ]);
    expect(diagnostics[0]!.notes).toEqual([
      {
        file: "bad.h",
        line: 3,
        column: 16,
        message: "each undeclared identifier is reported only once for each function it appears in",
      },
    ]);
    expect(diagnostics[1]!.notes).toBeUndefined();
    expect(diagnostics.map((diagnostic) => diagnostic.includedFrom)).toEqual([
      [{ file: "uses_header.c", line: 3 }],
      [{ file: "uses_header.c", line: 3 }],
    ]);
  });

  it("keeps gcc's whole include chain above an error two headers deep", () => {
    const { diagnostics } = parseKbuildOutput(fixture("include-chain", version), `${ROOT}/include-chain`);
    // 6.12 adds gcc's "; did you mean ..." to the first message.
    expect(strip(diagnostics).map(({ file, line, message }) => [file, line, message.split(";")[0]])).toEqual([
      ["inner.h", 3, "'missing_name' undeclared (first use in this function)"],
      ["inner.h", 4, "control reaches end of non-void function"],
    ]);
    expect(diagnostics[0]!.includedFrom).toEqual([
      { file: "outer.h", line: 1 },
      { file: "chain.c", line: 3 },
    ]);
    expect(diagnostics[0]!.notes?.map((note) => note.message)).toEqual([
      "each undeclared identifier is reported only once for each function it appears in",
    ]);
  });

  it("keeps rustc's own error for a Rust module on a kernel without Rust support", () => {
    const { diagnostics, steps } = parseKbuildOutput(fixture("rust-module", version), `${ROOT}/rust-module`);
    expect(steps).toEqual([{ step: "RUSTC [M]", target: "rust_out_of_tree.o" }]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "error", origin: "compiler", file: null });
    // rustc (from rustup here) rejects the kernel's target or flags; the generic make line is dropped.
    expect(diagnostics[0]!.message).toMatch(/target file ".\/rust\/target.json" does not exist|unknown unstable option/);
  });

  it("reads modpost's undefined symbol error, with the ways to provide the symbol", () => {
    const { diagnostics } = parseKbuildOutput(fixture("undefined-symbol", version), `${ROOT}/undefined-symbol`);
    expect(strip(diagnostics)).toEqual([
      {
        severity: "error",
        file: "undef.ko",
        line: null,
        column: null,
        message: '"kforge_missing_symbol" [undef.ko] undefined!',
        flag: null,
        context: undefined,
      },
    ]);
    expect(diagnostics[0]!.hint).toMatch(
      /nothing this build knows exports kforge_missing_symbol: a typo, a missing EXPORT_SYMBOL.*KBUILD_EXTRA_SYMBOLS=.*kforge deps/,
    );
  });

  it("reads modpost's missing license error under the module's .ko, with a hint to add the license", () => {
    const { diagnostics } = parseKbuildOutput(fixture("missing-license", version), `${ROOT}/missing-license`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "error",
      origin: "modpost",
      file: "nolicense.ko",
      message: "missing MODULE_LICENSE() in nolicense.o",
    });
    expect(diagnostics[0]!.hint).toContain('add MODULE_LICENSE("GPL");');
  });

  it("files the GPL-only symbol error under the module's .ko and explains EXPORT_SYMBOL_GPL", () => {
    const { diagnostics } = parseKbuildOutput(fixture("gpl-only", version), `${ROOT}/gpl-only`);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        origin: "modpost",
        file: "gplonly.ko",
        message: "GPL-incompatible module gplonly.ko uses GPL-only symbol 'usb_register_driver'",
        hint: expect.stringMatching(
          /^usb_register_driver is exported with EXPORT_SYMBOL_GPL: the module needs a GPL-compatible MODULE_LICENSE/,
        ),
      }),
    ]);
  });

  it("turns obj-m naming an object without a source into a readable error with a hint", () => {
    const { diagnostics } = parseKbuildOutput(fixture("missing-object", version), `${ROOT}/missing-object`);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        origin: "make",
        file: null,
        message: "no source for nonexist.o: there is no nonexist.c (or nonexist.S) in the module dir",
        hint: expect.stringContaining("create nonexist.c, or fix the object name in the Kbuild/Makefile"),
      }),
    ]);
    expect(diagnostics[0]!.message).not.toContain("''");
  });

  it("reads make's own error for a broken Makefile, dropping the recursive Error lines", () => {
    const { diagnostics } = parseKbuildOutput(fixture("broken-makefile", version), `${ROOT}/broken-makefile`);
    expect(strip(diagnostics)).toEqual([
      {
        severity: "error",
        file: "Makefile",
        line: 2,
        column: null,
        message: "invalid syntax in conditional",
        flag: null,
        context: undefined,
      },
    ]);
  });
});

describe("kbuild output parser", () => {
  it("reads rustc's diagnostics in a Rust step: code, location from the --> line, and its help as a note", () => {
    const log = readFileSync(new URL("../fixtures/kbuild/rustc-error.txt", import.meta.url), "utf8");
    const text = `  RUSTC [M] ${ROOT}/rustc-error/bad.o\n${log}`;
    const { diagnostics } = parseKbuildOutput(text, `${ROOT}/rustc-error`);
    expect(diagnostics).toEqual([
      {
        severity: "error",
        file: "bad.rs",
        line: 1,
        column: 5,
        message: "cannot find module or crate `kernel` in this scope",
        flag: "E0433",
        origin: "compiler",
        notes: [{ file: null, line: null, column: null, message: "help: you might be missing a crate named `kernel`" }],
      },
      { severity: "error", file: "bad.rs", line: 4, column: 18, message: "mismatched types", flag: "E0308", origin: "compiler" },
    ]);
    // The same shapes outside a Rust step are not rustc's.
    expect(parseKbuildOutput("warning: the compiler differs from the one used to build the kernel\n", "/m").diagnostics).toEqual([]);
  });

  it("reads modpost warnings (6.12 with W=1)", () => {
    const { diagnostics } = parseKbuildOutput(fixture("modpost-warning", "6.12"), `${ROOT}/modpost-warning`);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        origin: "modpost",
        file: "nodesc.ko",
        message: "missing MODULE_DESCRIPTION() in nodesc.o",
      }),
    ]);
  });

  it("keeps make's innermost Error line when nothing else explains the failure", () => {
    const parser = createKbuildOutputParser("/m");
    parser.parseLine("make[2]: *** [/usr/src/k/scripts/Makefile.build:234: /m/a.o] Error 1");
    parser.parseLine("make: *** [/usr/src/k/Makefile:236: __sub-make] Error 2");
    expect(parser.diagnostics().map((diagnostic) => diagnostic.message)).toEqual(["make failed building a.o (Error 1)"]);
  });

  it("reads linker errors and clang-style lines, and never throws on noise", () => {
    const { diagnostics } = parseKbuildOutput(
      [
        "ld: /m/b.o: in function `b_init': multiple definition of `shared'; /m/a.o: first defined here",
        "/m/a.c:3:5: warning: unused variable 'x' [-Wunused-variable]",
        "make[2]: *** No rule to make target '/m/missing.c', needed by '/m/missing.o'.  Stop.",
        "\u0000\u001b[31m garbage :::: 12:x: error",
        "",
      ].join("\n"),
      "/m",
    );
    expect(diagnostics.map((diagnostic) => [diagnostic.origin, diagnostic.severity, diagnostic.file])).toEqual([
      ["linker", "error", null],
      ["compiler", "warning", "a.c"],
      ["make", "error", null],
    ]);
    expect(diagnostics[2]!.message).toBe("missing.c does not exist and make has no rule to create it (needed by missing.o)");
  });
});
