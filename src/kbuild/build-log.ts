// The full record of one build at <dir>/.kforge/logs/<release>/build.log: command line, every
// output line as make printed it, exit code and elapsed time. Written as the build runs, so a
// build killed hard still leaves what it printed.
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from "node:fs";
import { dirname, join } from "node:path";

export const STATE_DIR = ".kforge";

export function buildLogPath(dir: string, release: string): string {
  return join(dir, STATE_DIR, "logs", release, "build.log");
}

// Keeps .kforge/ out of the user's git status without touching their .gitignore.
export function ensureStateDir(dir: string): void {
  const root = join(dir, STATE_DIR);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, ".gitignore"), "*\n");
}

export interface BuildLog {
  readonly path: string;
  writeLine(line: string): void;
  close(footer: { exitCode: number | undefined; signal: string | undefined; durationMs: number; interrupted: boolean }): Promise<void>;
}

export function openBuildLog(dir: string, release: string, header: { command: string; kdir: string }): BuildLog {
  const path = buildLogPath(dir, release);
  ensureStateDir(dir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `# kforge build log\n# started: ${new Date().toISOString()}\n# dir: ${dir}\n` +
      `# kernel: ${release} (${header.kdir})\n# command: ${header.command}\n\n`,
  );
  const stream: WriteStream = createWriteStream(path, { flags: "a" });
  return {
    path,
    writeLine: (line) => void stream.write(`${line}\n`),
    close: (footer) =>
      new Promise((resolve, reject) => {
        const status = footer.interrupted ? "interrupted" : footer.signal ? `killed by ${footer.signal}` : `exit code ${footer.exitCode}`;
        stream.end(`\n# ${status}\n# elapsed: ${(footer.durationMs / 1000).toFixed(2)} s\n`, () => resolve());
        stream.once("error", reject);
      }),
  };
}
