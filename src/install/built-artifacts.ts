// The built modules of a module dir, each checked to be for the target release.
import { basename } from "node:path";
import { UsageError } from "../errors.js";
import { collectArtifacts, type Artifact } from "../kbuild/artifacts.js";

// The built modules, each checked to be for this release: a module with another vermagic would
// be refused by the kernel at load time, long after the install looked fine.
export async function builtArtifacts(dir: string, release: string): Promise<Artifact[]> {
  const scan = await collectArtifacts(dir);
  if (scan.artifacts.length === 0) {
    throw new UsageError(
      `no built modules in ${dir}: ${scan.problems[0]?.message ?? "nothing to install"}`,
      `run kforge build --kernel ${release} first`,
    );
  }
  for (const artifact of scan.artifacts) {
    const built = artifact.vermagic?.split(" ")[0];
    if (built !== release) {
      throw new UsageError(
        `${basename(artifact.path)} was built for ${built ?? "an unknown kernel"}, not ${release}`,
        `rebuild it with kforge build --kernel ${release}`,
      );
    }
  }
  return scan.artifacts;
}
