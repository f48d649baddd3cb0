// The two kernels the tests build against, found from the installed header packages
// (scripts/setup.sh installs linux-headers-amd64 for 6.1 and linux-headers-6.12-amd64).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface TestKernel {
  release: string;
  kdir: string;
}

function findRelease(prefix: string): TestKernel {
  const root = "/lib/modules";
  const releases = existsSync(root) ? readdirSync(root) : [];
  const match = releases
    .filter((release) => release.startsWith(prefix) && existsSync(join(root, release, "build", "Makefile")))
    .sort()
    .pop();
  if (!match) {
    throw new Error(`no kernel build tree for ${prefix}* under /lib/modules: run scripts/setup.sh first`);
  }
  return { release: match, kdir: join(root, match, "build") };
}

export const kernel61 = (): TestKernel => findRelease("6.1.");
export const kernel612 = (): TestKernel => findRelease("6.12.");
