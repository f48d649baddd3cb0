// Signature enforcement in a real guest: Debian's 6.1 kernel (CONFIG_MODULE_SIG) booted under TCG with
// module.sig_enforce=1 rejects an unsigned module, one signed by kforge sign with a key it does not
// trust, and one signed with a hash it cannot check (sha3-256, unknown to 6.1), and kforge vm says why
// for each. One boot for all three. No module can load here: Debian's kernel
// trusts only Debian's own built-in key, and a QEMU guest has no shim to enroll a MOK into.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKernelImage } from "../../src/kernel/kernel-image.js";
import { createPalette } from "../../src/ui/color.js";
import { formatVmReport } from "../../src/ui/vm-report.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const GREET = new URL("../fixtures/vm/modules/greet/greet.c", import.meta.url).pathname;
const MARKER = "~Module signature appended~\n";
const root = mkdtempSync(join(tmpdir(), "kforge-sign-enforce-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Private signing key and cache; the shared kernel images are linked in, never written.
const env = {
  XDG_DATA_HOME: join(root, "data"),
  XDG_CACHE_HOME: join(root, "cache"),
  KFORGE_SIGN_KEY: undefined,
  KFORGE_SIGN_CERT: undefined,
};
mkdirSync(join(env.XDG_CACHE_HOME, "kforge"), { recursive: true });
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(env.XDG_CACHE_HOME, "kforge", "kernels"));

const release = kernel61().release;
const dir = join(root, "enforce");
const plain = join(dir, "plaingreet.ko");
const signed = join(dir, "signedgreet.ko");
const sha3 = join(dir, "sha3greet.ko");
const MODULES = ["plaingreet", "signedgreet", "sha3greet"];

beforeAll(async () => {
  await findKernelImage({ release }).catch((error: Error) => {
    throw new Error(`${error.message}\nrun: node bin/kforge.js kernel fetch ${release} (scripts/setup.sh does this)`);
  });
  mkdirSync(dir);
  for (const name of MODULES) cpSync(GREET, join(dir, `${name}.c`));
  writeFileSync(join(dir, "Kbuild"), `obj-m := ${MODULES.map((name) => `${name}.o`).join(" ")}\n`);
  const build = await runKforge(["build", dir, "-k", release], { env });
  expect(build.exitCode, build.stderr).toBe(0);
  // kforge sign signs every built module: the unsigned and the sha3-256 ones are put back from copies.
  copyFileSync(plain, join(root, "plaingreet.ko"));
  expect((await runKforge(["sign", "--generate-key"], { env })).exitCode).toBe(0);
  const signSha3 = await runKforge(["sign", dir, "-k", release, "--hash", "sha3-256"], { env });
  expect(signSha3.exitCode, signSha3.stderr).toBe(0);
  copyFileSync(sha3, join(root, "sha3greet.ko"));
  const sign = await runKforge(["sign", dir, "-k", release], { env });
  expect(sign.exitCode, sign.stderr).toBe(0);
  copyFileSync(join(root, "plaingreet.ko"), plain);
  copyFileSync(join(root, "sha3greet.ko"), sha3);
}, 120_000);

describe("a guest booted with module.sig_enforce=1 (6.1, TCG)", () => {
  it("rejects the unsigned module, the untrusted key and the unknown hash, and kforge explains each", async () => {
    for (const module of [signed, sha3]) expect(readFileSync(module).subarray(-MARKER.length).toString()).toBe(MARKER);
    expect(readFileSync(sha3).equals(readFileSync(signed))).toBe(false);
    expect(readFileSync(plain).includes(MARKER)).toBe(false);
    expect(execFileSync("modinfo", ["-F", "signer", signed], { encoding: "utf8" })).toMatch(/^kforge module signing key/);

    const run = await runKforge(
      [
        "vm",
        dir,
        "--json",
        "-k",
        release,
        "--accel",
        "tcg",
        "--cold",
        "--keep-going",
        "--append",
        "module.sig_enforce=1",
        "--exec",
        "cat /sys/module/module/parameters/sig_enforce",
      ],
      { env, timeoutMs: 115_000 },
    );
    let result: VmResult;
    try {
      result = JSON.parse(run.stdout) as VmResult;
    } catch {
      throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
    }
    expect(run.exitCode).toBe(1);
    expect(result.modules).toMatchObject({ planned: 3, loaded: 0 });
    expect(result.steps.find((step) => step.kind === "exec")).toMatchObject({ ok: true, output: "Y\n" });

    const load = (module: string) => result.steps.find((step) => step.kind === "load" && step.module === module)!;
    const unsigned = load("plaingreet");
    expect(unsigned).toMatchObject({ ok: false, diagnosis: { kind: "signature-rejected" } });
    expect(unsigned.output).toMatch(/Key was rejected by service/);
    expect(unsigned.kernelLog).toContain("Loading of unsigned module is rejected");
    expect(unsigned.diagnosis!.title).toBe("the kernel enforces module signatures and plaingreet is unsigned");

    const untrusted = load("signedgreet");
    expect(untrusted).toMatchObject({ ok: false, diagnosis: { kind: "key-rejected" } });
    expect(untrusted.output).toMatch(/Key was rejected by service/);
    expect(untrusted.kernelLog).toContain("Loading of module with unavailable key is rejected");
    expect(untrusted.diagnosis!.detail).toContain("the module is signed, but the signing key is in none of the kernel's trusted keyrings");

    const unknownHash = load("sha3greet");
    expect(unknownHash).toMatchObject({
      ok: false,
      diagnosis: { kind: "signature-unsupported", title: "the kernel cannot check the signature of sha3greet" },
    });
    expect(unknownHash.output).toMatch(/Key was rejected by service/);
    expect(unknownHash.kernelLog).toContain("Loading of module with unsupported crypto is rejected");
    expect(unknownHash.diagnosis!.hint).toContain("kforge sign without --hash");

    // What to do next, honestly: no generated key can be trusted by a distro kernel in QEMU.
    for (const step of [unsigned, untrusted]) {
      expect(step.diagnosis!.hint).toContain("a distro kernel in a QEMU guest trusts only the keys built into it");
      expect(step.diagnosis!.hint).toContain("without module.sig_enforce=1");
      expect(step.diagnosis!.hint).toContain("sudo mokutil --import <cert.der>");
    }
    const report = formatVmReport(result, createPalette({ isTTY: false } as NodeJS.WriteStream));
    expect(report).toContain("the kernel does not trust the key signedgreet was signed with");
    expect(report).toContain("plaingreet is unsigned");
  });
});
