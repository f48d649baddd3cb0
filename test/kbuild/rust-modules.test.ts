// A Rust module (Kbuild `obj-m := x.o` and an x.rs) built for real against both installed kernels,
// neither built with CONFIG_RUST: the report says the kernel has no Rust support and keeps rustc's
// own line, instead of make's bare "failed building x.o (Error 1)".
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { moduleObjects, rustSupportDiagnostic } from "../../src/kbuild/rust-modules.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, removeDir } from "./modules.js";

const RUST_MODULE = `// SPDX-License-Identifier: GPL-2.0
use kernel::prelude::*;

module! {
    type: RustOutOfTree,
    name: "rust_out_of_tree",
    license: "GPL",
}

struct RustOutOfTree;

impl kernel::Module for RustOutOfTree {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(RustOutOfTree)
    }
}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe("Rust modules", () => {
  it("are the obj-m objects whose source is a .rs file", () => {
    expect(moduleObjects(["obj-m := rust_out_of_tree.o\nobj-$(CONFIG_X) += sub/other.o \\\n  third.o # c\nccflags-y += x.o\n"])).toEqual([
      "rust_out_of_tree",
      "sub/other",
      "third",
    ]);
    expect(rustSupportDiagnostic(["m"], "6.1.0-850-amd64", new Map([["CONFIG_RUST", "y"]]))).toBeUndefined();
  });

  it("fail on a kernel without CONFIG_RUST with that said first, and rustc's own error kept", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m := rust_out_of_tree.o\n" });
    dirs.push(dir);
    writeFileSync(join(dir, "rust_out_of_tree.rs"), RUST_MODULE);
    const result = await runKforge(["build", dir, "-k", kernel61().release, "-k", kernel612().release, "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    const kernels = JSON.parse(result.stdout).kernels as {
      release: string;
      diagnostics: { origin?: string; message: string; hint: string }[];
    }[];
    for (const kernel of kernels) {
      const [first, ...rest] = kernel.diagnostics;
      expect(first).toMatchObject({
        message: `rust_out_of_tree.rs is a Rust module, and kernel ${kernel.release} has no Rust support (CONFIG_RUST is not set)`,
        hint: expect.stringContaining("CONFIG_RUST=y"),
      });
      // rustc's own line (which one depends on the rustc on PATH), never only make's generic failure.
      expect(rest.length).toBeGreaterThan(0);
      expect(rest.map((diagnostic) => diagnostic.message).join("\n")).not.toMatch(/^make failed building/m);
    }
    const text = await runKforge(["build", dir, "-k", kernel612().release], { timeoutMs: 300_000 });
    expect(text.stderr).toContain(`rust_out_of_tree.rs is a Rust module, and kernel ${kernel612().release} has no Rust support`);
  });
});
