// kmemleak after unload, on a kernel built with it: records where the project's modules' code lies
// while they are loaded, then, once they are unloaded, scans and turns each leaked object whose
// allocation backtrace passes through one of them into a crash report (size, function, module).
import type { CrashReport } from "../kernel-log/crash.js";
import { findModuleFrame, parseKmemleak, parseSectionAddresses, type LeakedObject, type SectionRange } from "../kernel-log/kmemleak.js";
import { openModuleFile } from "../module/modinfo.js";
import { findFunctionAt } from "../module/symbols.js";
import type { GuestSession } from "./guest/channel.js";
import type { PlannedStep } from "./plan.js";

const KMEMLEAK = "/sys/kernel/debug/kmemleak";

// mm/kmemleak.c reports an object only when its contents did not change since the previous scan and
// it is older than 5 s: two scans, the second more than 5 s after the last unload.
export const LEAK_SCAN_STEP: PlannedStep = {
  name: "kmemleak scan",
  kind: "exec",
  command: [
    `[ -w ${KMEMLEAK} ] || { echo "kforge: ${KMEMLEAK} is missing although the kernel has ` +
      `CONFIG_DEBUG_KMEMLEAK (debugfs not mounted, or kmemleak switched itself off)"; exit 2; }`,
    `echo scan > ${KMEMLEAK}`,
    "sleep 5",
    `echo scan > ${KMEMLEAK}`,
    `cat ${KMEMLEAK}`,
  ].join("\n"),
};

interface ModuleFile {
  name: string;
  path: string;
}

export class LeakCheck {
  private ranges: SectionRange[] = [];

  constructor(private readonly modules: ModuleFile[]) {}

  // While the modules are loaded; their sections' sizes come from the .ko files.
  async recordSections(session: GuestSession, timeoutMs: number): Promise<void> {
    const command = `${this.modules.map((module) => `grep -H . /sys/module/${module.name}/sections/.*text* 2>/dev/null`).join("; ")}; true`;
    const outcome = await session.run(command, { timeoutMs: Math.max(timeoutMs, 1) });
    if (outcome.status !== "done") return;
    const sizes = new Map<string, Map<string, number>>();
    for (const module of this.modules) {
      const { elf } = await openModuleFile(module.path);
      sizes.set(module.name, new Map(elf.sections.map((section) => [section.name, section.size])));
    }
    this.ranges = parseSectionAddresses(outcome.output).map((range) => ({
      ...range,
      size: sizes.get(range.module)?.get(range.section) ?? 0,
    }));
  }

  // The leaks in the scan step's output that a project module allocated.
  async findLeaks(output: string, step: string): Promise<CrashReport[]> {
    const reports: CrashReport[] = [];
    for (const object of parseKmemleak(output)) {
      const report = await this.toReport(object, step);
      if (report) reports.push(report);
    }
    return reports;
  }

  private async toReport(object: LeakedObject, step: string): Promise<CrashReport | undefined> {
    const names = this.modules.map((module) => module.name);
    const log = [...object.lines];
    let first: { function: string; module: string; offset: number } | undefined;
    for (const frame of object.frames) {
      const found = findModuleFrame(frame, this.ranges, names);
      if (!found) continue;
      const named = "function" in found ? found : await this.nameFrame(found);
      if (!named) continue;
      first ??= named;
      // A bare address gets the name it had while the module was loaded.
      const index = log.findIndex((line) => line.trim() === frame);
      if (!("function" in found) && index >= 0)
        log[index] = `    ${frame} (${named.function}+0x${named.offset.toString(16)} [${named.module}])`;
    }
    if (!first) return undefined;
    return { kind: "memory-leak", title: object.title, ...first, size: object.size, step, log };
  }

  private async nameFrame(frame: {
    module: string;
    section: string;
    sectionOffset: number;
  }): Promise<{ function: string; module: string; offset: number } | undefined> {
    const module = this.modules.find((candidate) => candidate.name === frame.module);
    if (!module) return undefined;
    const symbol = findFunctionAt((await openModuleFile(module.path)).elf, frame.section, frame.sectionOffset);
    return symbol && { function: symbol.name, module: frame.module, offset: symbol.offset };
  }
}
