// A per-user module signing key pair fit for enrolling as a Secure Boot MOK: RSA 2048, self-signed,
// codeSigning extended key usage, certificate in DER as mokutil --import wants it.
import { chmod, mkdir } from "node:fs/promises";
import { homedir, hostname, userInfo } from "node:os";
import { join } from "node:path";
import { KforgeError, UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { run } from "../process/exec.js";

// ${XDG_DATA_HOME:-~/.local/share}/kforge/signing/: data to keep, not a cache to prune.
export function defaultKeyPaths(env: NodeJS.ProcessEnv): { key: string; cert: string } {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  const folder = join(base, "kforge", "signing");
  return { key: join(folder, "module-signing.key"), cert: join(folder, "module-signing.der") };
}

export async function generateSigningKey(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ key: string; cert: string }> {
  const paths = defaultKeyPaths(env);
  for (const path of [paths.key, paths.cert]) {
    if (await isAccessible(path))
      throw new UsageError(
        `${path} already exists; kforge never replaces a signing key`,
        "use it as it is, or move it away first if you really want a new one",
      );
  }
  await mkdir(join(paths.key, ".."), { recursive: true, mode: 0o700 });
  const subject = `/CN=kforge module signing key (${userInfo().username}@${hostname()})/`;
  const result = await run(
    "openssl",
    [
      "req",
      "-new",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "36500",
      "-outform",
      "DER",
      "-keyout",
      paths.key,
      "-out",
      paths.cert,
      "-subj",
      subject,
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=digitalSignature",
      "-addext",
      "extendedKeyUsage=codeSigning,1.3.6.1.4.1.2312.16.1.2",
      "-addext",
      "subjectKeyIdentifier=hash",
    ],
    { signal },
  );
  if (result.failed)
    throw new KforgeError(`openssl could not create the key pair:\n${result.all.trim()}`, {
      hint: "install openssl (apt-get install openssl)",
    });
  await chmod(paths.key, 0o600);
  return paths;
}
