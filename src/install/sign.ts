// Signs built modules with the kernel's own scripts/sign-file. An existing signature is stripped
// first, so signing twice replaces it instead of stacking a second one the kernel would not read.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { KforgeConfig } from "../config/kforge-json.js";
import { EnvironmentError, KforgeError, UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { readKernelConfig, signingConfig } from "../kernel/kernel-config.js";
import { readModuleSignature, SIGNATURE_MARKER } from "../module/module-signature.js";
import { run } from "../process/exec.js";
import { defaultKeyPaths } from "./signing-key.js";

export interface SigningKey {
  key: string;
  cert: string;
}

const MODULE_SIGNATURE_SIZE = 12;

// Flag, then environment (CI secrets), then kforge.json, then the generated per-user key when
// `required` (kforge sign); install signs only when a key is configured explicitly.
export async function resolveSigningKey(input: {
  key?: string;
  cert?: string;
  config: KforgeConfig;
  dir?: string;
  env: NodeJS.ProcessEnv;
  required: boolean;
}): Promise<SigningKey | undefined> {
  const fromConfig = (path: string | undefined) => (path === undefined ? undefined : resolve(input.dir ?? ".", path));
  const key = input.key ?? input.env.KFORGE_SIGN_KEY ?? fromConfig(input.config.sign?.key);
  const cert = input.cert ?? input.env.KFORGE_SIGN_CERT ?? fromConfig(input.config.sign?.cert);
  if (key === undefined && cert === undefined) {
    if (!input.required) return undefined;
    const generated = defaultKeyPaths(input.env);
    if (await isAccessible(generated.key)) return generated;
    throw new UsageError(
      "no signing key: none given and none generated yet",
      "pass --key <pem> --cert <der|pem>, set KFORGE_SIGN_KEY/KFORGE_SIGN_CERT, or run kforge sign --generate-key",
    );
  }
  if (key === undefined || cert === undefined)
    throw new UsageError(
      `a signing ${key === undefined ? "key" : "certificate"} is missing: key and certificate go together`,
      "give both --key and --cert (or KFORGE_SIGN_KEY and KFORGE_SIGN_CERT)",
    );
  for (const path of [key, cert]) {
    if (!(await isAccessible(path)))
      throw new UsageError(
        `signing file ${path} does not exist or is not readable`,
        "check the path, or create a pair with kforge sign --generate-key",
      );
  }
  return { key, cert };
}

// Pure: the module bytes without an appended signature.
export function stripModuleSignature(bytes: Buffer): Buffer {
  const signature = readModuleSignature(bytes);
  if (!signature) return bytes;
  return bytes.subarray(0, bytes.length - SIGNATURE_MARKER.length - MODULE_SIGNATURE_SIZE - signature.length);
}

export async function findSignFile(kdir: string): Promise<string> {
  const candidates = [join(kdir, "scripts", "sign-file")];
  for (const candidate of candidates) if (await isAccessible(candidate)) return candidate;
  throw new EnvironmentError(
    `${kdir} has no scripts/sign-file`,
    "install the kernel's full headers package (Debian: linux-headers-<release>, which pulls in linux-kbuild-*)",
  );
}

// Each module is stripped and signed as a copy; the copies replace the modules only once all of
// them are signed, so a failed (re-)sign leaves every module, and any signature it had, as it was.
export async function signModules(options: {
  dir: string;
  kdir: string;
  key: SigningKey;
  hash?: string;
  signal?: AbortSignal;
}): Promise<string[]> {
  const scan = await collectArtifacts(options.dir);
  if (scan.artifacts.length === 0) throw new UsageError(`no built modules in ${options.dir} to sign`, "run kforge build first");
  const signFile = await findSignFile(options.kdir);
  const hash = options.hash ?? signingConfig(await readKernelConfig(options.kdir)).hash ?? "sha256";
  const copies = scan.artifacts.map((artifact) => ({
    path: artifact.path,
    copy: join(dirname(artifact.path), `.${basename(artifact.path)}.signing`),
  }));
  try {
    for (const { path, copy } of copies) {
      await writeFile(copy, stripModuleSignature(await readFile(path)));
      const result = await run(signFile, [hash, options.key.key, options.key.cert, copy], { signal: options.signal });
      if (result.failed)
        throw new KforgeError(`signing ${path} failed, the module is unchanged:\n${result.all.trim()}`, {
          hint: "check that the key and certificate belong together and the hash is one the kernel supports",
        });
    }
    for (const { path, copy } of copies) await rename(copy, path);
  } finally {
    // sign-file writes <file>.~signed~ and renames it; a failure can leave that behind.
    await Promise.all(copies.flatMap(({ copy }) => [copy, `${copy}.~signed~`].map((path) => rm(path, { force: true }))));
  }
  return copies.map(({ path }) => path);
}
