// `kforge sign [dir]`: sign the project's build for the kernel; `--generate-key` creates the per-user
// MOK key pair.
import { ExitCode } from "../../errors.js";
import { resolveSigningKey, signModules } from "../../install/sign.js";
import { generateSigningKey } from "../../install/signing-key.js";
import type { CommandContext } from "../context.js";
import { openProjectKernel } from "../project-kernel.js";

export interface SignCommandOptions {
  dir?: string;
  kernel?: string[];
  kdir?: string;
  key?: string;
  cert?: string;
  hash?: string;
  generateKey?: boolean;
}

export async function signCommand(options: SignCommandOptions, context: CommandContext): Promise<number> {
  if (options.generateKey) {
    const paths = await generateSigningKey(context.env, context.signal);
    context.stdout.write(
      `created ${paths.key} (private, mode 0600)\ncreated ${paths.cert} (certificate)\n\n` +
        `To let a Secure Boot machine trust modules signed with it, enroll the certificate and reboot:\n` +
        `  sudo mokutil --import ${paths.cert}\n(choose a one-time password; MokManager asks for it at the next boot)\n`,
    );
    return ExitCode.ok;
  }
  const { project, kernel, built } = await openProjectKernel(options, context);
  const key = await resolveSigningKey({
    key: options.key,
    cert: options.cert,
    config: project.config,
    dir: project.dir,
    env: context.env,
    required: true,
  });
  const signed = await signModules({ dir: built, kdir: kernel.kdir, key: key!, hash: options.hash, signal: context.signal });
  for (const path of signed) context.stdout.write(`signed ${path}\n`);
  return ExitCode.ok;
}
