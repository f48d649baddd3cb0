// Signature enforcement in a real guest: Debian's 6.1 kernel (CONFIG_MODULE_SIG) booted under TCG with
// module.sig_enforce=1 rejects an unsigned module and one signed by kforge sign with a key it does not
// trust, and kforge vm says why for each. One boot for both. No module can load here: Debian's kernel
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
const env = { XDG_DATA_HOME: join(root, "data"), XDG_CACHE_HOME: join(root, "cache"), KFORGE_SIGN_KEY: undefined, KFORGE_SIGN_CERT: undefined };
mkdirSync(join(env.XDG_CACHE_HOME, "kforge"), { recursive: true });
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(env.XDG_CACHE_HOME, "kforge", "kernels"));

const release = kernel61().release;
const dir = join(root, "enforce");
const plain = join(dir, "plaingreet.ko");
const signed = join(dir, "signedgreet.ko");

beforeAll(async () => {
  await findKernelImage({ release }).catch((error: Error) => {
    throw new Error(`${error.message}\nrun: node bin/kforge.js kernel fetch ${release} (scripts/setup.sh does this)`);
  });
  mkdirSync(dir);
  for (const name of ["plaingreet", "signedgreet"]) cpSync(GREET, join(dir, `${name}.c`));
  writeFileSync(join(dir, "Kbuild"), "obj-m := plaingreet.o signedgreet.o\n");
  const build = await runKforge(["build", dir, "-k", release], { env });
  expect(build.exitCode, build.stderr).toBe(0);
  // kforge sign signs every built module; the unsigned one is put back from a copy.
  copyFileSync(plain, join(root, "plaingreet.ko"));
  expect((await runKforge(["sign", "--generate-key"], { env })).exitCode).toBe(0);
  const sign = await runKforge(["sign", dir, "-k", release], { env });
  expect(sign.exitCode, sign.stderr).toBe(0);
  copyFileSync(join(root, "plaingreet.ko"), plain);
}, 120_000);

describe("a guest booted with module.sig_enforce=1 (6.1, TCG)", () => {
  it("rejects the unsigned module and the one signed with an untrusted key, and kforge explains both", async () => {
    expect(readFileSync(signed).subarray(-MARKER.length).toString()).toBe(MARKER);
    expect(readFileSync(plain).includes(MARKER)).toBe(false);
    expect(execFileSync("modinfo", ["-F", "signer", signed], { encoding: "utf8" })).toMatch(/^kforge module signing key/);

    const run = await runKforge(
      ["vm", dir, "--json", "-k", release, "--accel", "tcg", "--cold", "--keep-going", "--append", "module.sig_enforce=1", "--exec", "cat /sys/module/module/parameters/sig_enforce"],
      { env, timeoutMs: 115_000 },
    );
    let result: VmResult;
    try {
      result = JSON.parse(run.stdout) as VmResult;
    } catch {
      throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
    }
    expect(run.exitCode).toBe(1);
    expect(result.modules).toMatchObject({ planned: 2, loaded: 0 });
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
