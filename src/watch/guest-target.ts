// The --vm side of watch: one guest kept running; new modules are sent in over the agent channel
// (stripped of debug info, which is most of a .ko) while an unstripped copy stays on the host for
// crash reports. A crash, a hang or a dead guest is fatal to the guest, not to watch: restart()
// boots a fresh one.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { CrashReport } from "../kernel-log/crash.js";
import { locateCrash } from "../kernel-log/locate-crash.js";
import { createRunDir, removeDeadRunDirs } from "../process/run-dirs.js";
import { bootRunningGuest, type GuestBootOptions, type RunningGuest } from "../vm/guest/boot.js";
import { readModuleFile } from "../vm/guest/decompress.js";
import { GUEST_WORK_DIR, guestModulePath } from "../vm/guest/init-script.js";
import { withoutDebugInfo } from "../vm/guest/transfer.js";
import { toJsonCrashes, type StepResult } from "../vm/report.js";
import { describeUnfinished, toStepResult } from "../vm/step-runner.js";
import type { PlannedStep } from "../vm/plan.js";
import type { StepRun, WatchTarget } from "./target.js";

const TRANSFER_TIMEOUT_MS = 15_000;

// Beside `kforge vm`'s vm-console.log.
export const watchConsoleLog = (dir: string, release: string) => join(dir, ".kforge", "logs", release, "watch-console.log");

export class GuestTarget implements WatchTarget {
  readonly mode = "vm";
  private guest: RunningGuest | undefined;
  private constructor(
    private readonly options: GuestBootOptions,
    private readonly stepTimeoutMs: number,
    private readonly copies: string,
  ) {}

  static async start(options: GuestBootOptions, stepTimeoutMs: number): Promise<GuestTarget | undefined> {
    const consoleLogPath = options.sourceDir ? watchConsoleLog(options.sourceDir, options.release) : undefined;
    if (consoleLogPath) await mkdir(dirname(consoleLogPath), { recursive: true });
    await removeDeadRunDirs();
    const target = new GuestTarget({ ...options, consoleLogPath }, stepTimeoutMs, await createRunDir("watch"));
    if (!(await target.boot())) {
      await target.close();
      return undefined;
    }
    return target;
  }

  get accel(): string | undefined {
    return this.guest?.accel;
  }

  get release(): string | undefined {
    return this.guest?.session.release;
  }

  get bootMs(): number {
    return this.guest?.bootMs ?? 0;
  }

  get start(): "booted" | "restored" | undefined {
    return this.guest?.start;
  }

  get consoleLog(): string | undefined {
    return this.options.consoleLogPath;
  }

  alive(): boolean {
    return this.guest !== undefined && !this.guest.hasExited();
  }

  async boot(): Promise<boolean> {
    await this.guest?.stop();
    this.guest = await bootRunningGuest(this.options);
    return this.guest !== undefined;
  }

  // Sends a module (decompressed and stripped) where the load step looks for it, keeping the
  // unstripped copy for crash reports. An in-tree one may be compressed (mc.ko.xz on 6.12).
  async installModule(path: string): Promise<StepRun | undefined> {
    const guestPath = guestModulePath(path);
    const data = await readModuleFile(path, this.copies);
    await writeFile(join(this.copies, basename(guestPath)), data);
    return this.sendFile(guestPath, await withoutDebugInfo(data, this.copies));
  }

  async installFile(path: string): Promise<StepRun | undefined> {
    return this.sendFile(`${GUEST_WORK_DIR}/${basename(path)}`, await readFile(path));
  }

  // The session's checked transfer (guest/files.ts); a failed one leaves the guest unusable.
  private async sendFile(guestPath: string, data: Buffer): Promise<StepRun | undefined> {
    const started = Date.now();
    const outcome = this.guest ? await this.guest.session.sendFile(guestPath, data, { timeoutMs: TRANSFER_TIMEOUT_MS }) : "channel closed";
    if (outcome === "sent") return undefined;
    const result: StepResult = {
      name: `send ${basename(guestPath)}`,
      kind: "exec",
      ok: false,
      durationMs: Date.now() - started,
      output: "",
      kernelLog: [],
    };
    return { result, fatal: { diagnosis: `sending ${basename(guestPath)} into the guest failed: ${outcome}` } };
  }

  run(step: PlannedStep): Promise<StepRun> {
    return this.runStep(step, this.stepTimeoutMs);
  }

  private async runStep(step: PlannedStep, timeoutMs: number): Promise<StepRun> {
    const guest = this.guest;
    if (!guest)
      return {
        result: { name: step.name, kind: step.kind, ok: false, durationMs: 0, output: "", kernelLog: [] },
        fatal: { diagnosis: "the guest is not running" },
      };
    guest.monitor.step = step.name;
    // Earlier steps' reports were reported with them: a guest that stays up keeps none.
    guest.monitor.crashes.forget();
    const outcome = await guest.session.run(step.command, { timeoutMs });
    const crashes = [...guest.monitor.crashes.reports];
    const result = toStepResult(step, outcome, crashes);
    const severe = crashes.find((crash) => crash.kind !== "warning");
    if (severe) await this.locate(severe);
    const crash = severe ? toJsonCrashes([severe])[0] : undefined;
    if (outcome.status !== "done")
      return {
        result,
        fatal: { crash, diagnosis: describeUnfinished(step, outcome, guest.monitor).diagnosis ?? `"${step.name}" did not finish` },
      };
    if (severe) return { result, fatal: { crash, diagnosis: `the kernel reported ${severe.title} during "${step.name}"` } };
    return { result };
  }

  private async locate(crash: CrashReport): Promise<void> {
    if (!crash.module) return;
    const copy = join(this.copies, `${crash.module}.ko`);
    await locateCrash(crash, copy, this.options.sourceDir ?? dirname(copy));
  }

  async close(): Promise<void> {
    await this.guest?.stop();
    this.guest = undefined;
    await rm(this.copies, { recursive: true, force: true });
  }
}
