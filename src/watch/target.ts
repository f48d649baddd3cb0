// What the watch loop reloads into: a guest that stays up (--vm, guest-target.ts) or the running
// kernel (--host, host-target.ts). The loop plans the steps; a target runs them.
import type { StepResult } from "../vm/report.js";
import type { PlannedStep } from "../vm/plan.js";
import type { JsonCrash } from "./events.js";

export interface StepRun {
  result: StepResult;
  // Set when the guest cannot go on: a crash other than a warning, a hang, QEMU gone.
  fatal?: { crash?: JsonCrash; diagnosis: string };
}

export interface WatchTarget {
  readonly mode: "vm" | "host";
  readonly accel: string | undefined;
  // The kernel the modules run on.
  readonly release: string | undefined;
  readonly bootMs: number;
  // How the guest last came up (--vm only): restored from a saved state or booted.
  readonly start: "booted" | "restored" | undefined;
  // The guest's whole console (--vm only), where kernel log lines dropped from a step's window are.
  readonly consoleLog: string | undefined;
  alive(): boolean;
  // (Re)starts the kernel the modules run on; false when it did not come up.
  boot(): Promise<boolean>;
  // Makes a built module available to the next load step of its name.
  installModule(path: string): Promise<StepRun | undefined>;
  // Makes a file a test step uses available to the test steps.
  installFile(path: string): Promise<StepRun | undefined>;
  run(step: PlannedStep): Promise<StepRun>;
  close(): Promise<void>;
}
