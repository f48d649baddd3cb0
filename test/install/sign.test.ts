// kforge sign for real: a MOK-style key pair made by openssl in a temp XDG_DATA_HOME, modules signed by
// the kernel's own scripts/sign-file, checked with modinfo and kforge info.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripModuleSignature } from "../../src/install/sign.js";
import { buildFixtureModules, type BuiltModules } from "../helpers/build-fixture-modules.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const MARKER = "~Module signature appended~\n";
let built: BuiltModules;
const data = mkdtempSync(join(tmpdir(), "kforge-sign-test-"));
const env = { XDG_DATA_HOME: data, KFORGE_SIGN_KEY: undefined, KFORGE_SIGN_CERT: undefined };
const keyFolder = join(data, "kforge", "signing");
const key = join(keyFolder, "module-signing.key");
const cert = join(keyFolder, "module-signing.der");

beforeAll(async () => {
  built = buildFixtureModules(kernel61().kdir, ["provider"]);
  const generated = await runKforge(["sign", "--generate-key"], { env });
  expect(generated.exitCode).toBe(0);
});
afterAll(() => {
  built?.cleanup();
  rmSync(data, { recursive: true, force: true });
});

describe("kforge sign --generate-key", () => {
  it("creates a private 0600 key and a DER code-signing certificate fit for mokutil, and never replaces them", async () => {
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const text = execFileSync("openssl", ["x509", "-inform", "DER", "-in", cert, "-noout", "-text"], { encoding: "utf8" });
    expect(text).toContain("Public-Key: (2048 bit)");
    expect(text).toContain("Code Signing");
    expect(text).toContain("CA:FALSE");
    const before = readFileSync(key);
    const again = await runKforge(["sign", "--generate-key"], { env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("already exists; kforge never replaces a signing key");
    expect(readFileSync(key).equals(before)).toBe(true);
  });

  it("prints the exact mokutil step", async () => {
    const other = mkdtempSync(join(tmpdir(), "kforge-sign-test-"));
    try {
      const result = await runKforge(["sign", "--generate-key"], { env: { ...env, XDG_DATA_HOME: other } });
      expect(result.stdout).toContain(`sudo mokutil --import ${join(other, "kforge", "signing", "module-signing.der")}`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("kforge sign", () => {
  it("signs with the generated key; signing again replaces the signature; kforge info shows signer and hash", async () => {
    const { release } = kernel61();
    const dir = join(built.root, "provider");
    const module = built.path("provider");
    const unsigned = readFileSync(module);
    const first = await runKforge(["sign", dir, "-k", release], { env });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`signed ${module}`);
    const once = readFileSync(module);
    expect(once.subarray(once.length - MARKER.length).toString()).toBe(MARKER);
    expect(execFileSync("modinfo", ["-F", "signer", module], { encoding: "utf8" })).toMatch(/^kforge module signing key \(/);
    expect(stripModuleSignature(once).equals(unsigned)).toBe(true);

    expect((await runKforge(["sign", dir, "-k", release], { env })).exitCode).toBe(0);
    const twice = readFileSync(module);
    expect(twice.length).toBe(once.length);
    expect(twice.toString("latin1").split(MARKER.trim()).length - 1).toBe(1);

    const info = await runKforge(["info", module, "-k", release], { env });
    expect(info.stdout).toMatch(/signature\s+signer "kforge module signing key \(.*\)", sha256, key [0-9A-F:]+/);
  });

  it("install signs first when the key comes from the environment", async () => {
    const { release } = kernel61();
    const dir = join(built.root, "provider");
    const destdir = join(data, "root");
    const otherKey = join(data, "ci.key");
    const otherCert = join(data, "ci.der");
    execFileSync(
      "openssl",
      [
        "req",
        "-new",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-outform",
        "DER",
        "-keyout",
        otherKey,
        "-out",
        otherCert,
        "-subj",
        "/CN=ci secret key/",
      ],
      { stdio: "pipe" },
    );
    const result = await runKforge(["install", dir, "-k", release, "--destdir", destdir], {
      env: { ...env, KFORGE_SIGN_KEY: otherKey, KFORGE_SIGN_CERT: otherCert },
    });
    expect(result.exitCode).toBe(0);
    expect(execFileSync("modinfo", ["-b", destdir, "-k", release, "-F", "signer", "provider"], { encoding: "utf8" }).trim()).toBe(
      "ci secret key",
    );
  });

  it("a half-configured key or a bad key is an error, never a warning", async () => {
    const { release } = kernel61();
    const dir = join(built.root, "provider");
    const half = await runKforge(["sign", dir, "-k", release, "--key", key], { env });
    expect(half.exitCode).toBe(2);
    expect(half.stderr).toContain("a signing certificate is missing");
  });

  it("a failed re-sign leaves the signed module byte for byte as it was, old signature included", async () => {
    const { release } = kernel61();
    const dir = join(built.root, "provider");
    const module = built.path("provider");
    expect((await runKforge(["sign", dir, "-k", release], { env })).exitCode).toBe(0);
    const before = readFileSync(module);
    expect(before.subarray(before.length - MARKER.length).toString()).toBe(MARKER);
    // A certificate is no private key: sign-file fails after kforge has stripped the old signature.
    const garbage = join(data, "garbage.pem");
    copyFileSync(cert, garbage);
    const bad = await runKforge(["sign", dir, "-k", release, "--key", garbage, "--cert", cert], { env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(`signing ${module} failed, the module is unchanged`);
    expect(bad.stderr).toContain("hint: check that the key and certificate belong together");
    expect(readFileSync(module).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((name) => /signing|~signed~/.test(name))).toEqual([]);
    expect(execFileSync("modinfo", ["-F", "signer", module], { encoding: "utf8" })).toMatch(/^kforge module signing key \(/);
  });
});

describe("signing for 6.12, whose modules are xz-compressed", () => {
  let built612: BuiltModules;
  beforeAll(() => {
    built612 = buildFixtureModules(kernel612().kdir, ["provider"]);
  });
  afterAll(() => built612?.cleanup());

  it("install signs with the kforge.json key first, then compresses: the installed .ko.xz carries the signature", async () => {
    const { release } = kernel612();
    const dir = join(built612.root, "provider");
    copyFileSync(key, join(dir, "project.key"));
    copyFileSync(cert, join(dir, "project.der"));
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ sign: { key: "project.key", cert: "project.der" } }));
    const destdir = join(data, "root-612");
    const result = await runKforge(["install", dir, "-k", release, "--destdir", destdir], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`kforge: signed 1 module with ${join(dir, "project.der")}`);
    const installed = join(destdir, "lib/modules", release, "updates", "provider.ko.xz");
    expect(result.stdout).toContain(`installed ${installed}`);
    const unpacked = execFileSync("xz", ["-dc", installed]);
    expect(unpacked.subarray(unpacked.length - MARKER.length).toString()).toBe(MARKER);
    expect(execFileSync("modinfo", ["-b", destdir, "-k", release, "-F", "signer", "provider"], { encoding: "utf8" })).toMatch(
      /^kforge module signing key \(/,
    );
  });

  it("--hash overrides the kernel's CONFIG_MODULE_SIG_HASH, and kforge info shows it", async () => {
    const { release } = kernel612();
    const dir = join(built612.root, "provider");
    const module = built612.path("provider");
    const result = await runKforge(["sign", dir, "-k", release, "--hash", "sha512"], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(execFileSync("modinfo", ["-F", "sig_hashalgo", module], { encoding: "utf8" }).trim()).toBe("sha512");
    expect((await runKforge(["info", module, "-k", release], { env })).stdout).toMatch(
      /signature\s+signer "kforge module signing key \(.*\)", sha512, key /,
    );
  });
});
