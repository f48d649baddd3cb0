// The real chokidar watcher over a real temp dir: a file that becomes watched after start (a vm.test
// script, known once the first cycle read kforge.json) is reported when it changes, never as a
// spurious "added" entry in the next change of another file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { watchSources } from "../../src/watch/file-watcher.js";

const dir = mkdtempSync(join(tmpdir(), "kforge-file-watcher-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function nextChange(changes: string[][], count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (changes.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return changes[count - 1] ?? [];
}

describe("watchSources", () => {
  it("reports only the changed files, also for a script that became watched after start", async () => {
    writeFileSync(join(dir, "hello.c"), "v1\n");
    writeFileSync(join(dir, "check.sh"), "true\n");
    writeFileSync(join(dir, "notes.txt"), "x\n");
    const extraFiles: string[] = [];
    const changes: string[][] = [];
    const watcher = watchSources(dir, { extraFiles: () => extraFiles, onChange: (paths) => changes.push(paths), debounceMs: 50 });
    try {
      await watcher.ready;
      extraFiles.push("check.sh");
      writeFileSync(join(dir, "hello.c"), "v2\n");
      expect(await nextChange(changes, 1)).toEqual(["hello.c"]);
      writeFileSync(join(dir, "check.sh"), "false\n");
      expect(await nextChange(changes, 2)).toEqual(["check.sh"]);
      writeFileSync(join(dir, "notes.txt"), "y\n");
      writeFileSync(join(dir, "hello.o"), "object\n");
      writeFileSync(join(dir, "hello.c"), "v3\n");
      expect(await nextChange(changes, 3)).toEqual(["hello.c"]);
    } finally {
      await watcher.close();
    }
  });
});
