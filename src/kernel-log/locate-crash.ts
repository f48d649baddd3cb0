// Adds "file.c:line" to a crash report whose function is in the given module (its unstripped .ko).
import { locateInModule, relativeSource } from "../module/source-location.js";
import { pointsAfterCall, type CrashReport } from "./crash.js";

export async function locateCrash(crash: CrashReport, modulePath: string, baseDir: string): Promise<void> {
  // UBSAN names the line itself: only made relative to the module's dir.
  if (crash.source) {
    crash.source = ownSource(relativeSource(crash.source, baseDir));
    return;
  }
  if (!crash.function || crash.offset === undefined) return;
  const offset = pointsAfterCall(crash) ? crash.offset - 1 : crash.offset;
  const source = await locateInModule(modulePath, crash.function, offset, baseDir).catch(() => undefined);
  crash.source = source && ownSource(source);
}

// A module built in its kernel's tree (.kforge/build/<release>/, links to the module dir's files)
// names the module dir's own file.
const ownSource = (source: string) => source.replace(/^\.kforge\/build\/[^/]+\//, "");
