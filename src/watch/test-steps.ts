// Pure: a watch cycle's test steps (vm.test). In the busybox guest an entry that names a test script
// sent in runs as `sh ./<script>`, any other entry as a command; in the host's userspace
// (vm/host-root/) each entry is a command in the project dir.
import { relative } from "node:path";
import { hostRootTests, type HostRootView } from "../vm/host-root/view.js";
import type { PlannedStep } from "../vm/plan.js";

export function watchTestSteps(entries: string[], testFiles: string[], dir: string, hostRoot: HostRootView | undefined): PlannedStep[] {
  if (hostRoot) return hostRootTests(entries, hostRoot);
  return entries.map((entry) => {
    const file = testFiles.find((path) => relative(dir, path) === entry.trim());
    const command = file ? `sh ./${relative(dir, file)}` : entry;
    return { name: command, kind: "exec", command };
  });
}
