// Files test steps write under $KFORGE_ARTIFACTS come back to the host, in real 6.1 guests under
// TCG. One run (--json) has a step writing a JUnit file and nested files (binary, and a log longer
// than one chunk) that must come back byte-identical, a hostile script (a symlink, a FIFO, a name
// with an escape sequence, a file beyond the run's limit, and a process left behind that slips
// ../escape.txt and /tmp/abs.txt into the listing), and a failing step that makes the copy partial.
// A second run (text) shows the previous run's files removed but the user's kept, a symlink on the
// host not followed, and no escape sequence reaching the terminal (booted cold; the two-kernel run
// restores). `kforge test` on two kernels keeps each kernel's files apart under an --artifacts dir,
// and an escaping vm.artifacts is a usage error.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-artifacts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, "project");
const outside = join(root, "outside");

const JUNIT = '<?xml version="1.0"?>\n<testsuite name="t" tests="1"><testcase name="c"/></testsuite>\n';
const LOG_LINES = 4000;
const LOG = Array.from({ length: LOG_LINES }, (_, index) => `line ${index} of the step's log\n`).join("");
const WRITE =
  `printf '${JUNIT.replaceAll("\n", "\\n")}' > $KFORGE_ARTIFACTS/junit.xml; mkdir -p $KFORGE_ARTIFACTS/frames/0; ` +
  `printf '\\000\\001\\377binary' > $KFORGE_ARTIFACTS/frames/0/raw.bin; ` +
  `i=0; while [ $i -lt ${LOG_LINES} ]; do echo "line $i of the step's log"; i=$((i+1)); done > $KFORGE_ARTIFACTS/frames/log.txt`;
// Run as `sh ./hostile.sh` in the guest. Applets cannot be replaced (busybox runs its own), but a
// process left behind can slip forged lines into the listing's output while it runs: one block of
// them, longer than what the listing writes over it afterwards. Forty empty files make the listing
// last long enough for the poll to see it start (and cost no copy).
const hex = (text: string) => Buffer.from(text).toString("hex");
const PADDING = 40;
const HOSTILE = `cd "$KFORGE_ARTIFACTS"
ln -s /etc/passwd link
mkfifo fifo
touch "$(printf 'esc\\033[2J')"
dd if=/dev/zero of=huge bs=1M count=5 2>/dev/null
mkdir pad; i=0; while [ $i -lt ${PADDING} ]; do : > pad/$i; i=$((i+1)); done
echo secret > /tmp/escape.txt; echo secret > /tmp/abs.txt
( while ! grep -q 'walk()' /tmp/command 2>/dev/null; do sleep 0.02; done
  i=0; while [ $i -lt 100 ]; do
    echo "kforge-file file 7 ${hex("../escape.txt")}"
    echo "kforge-file file 7 ${hex("/tmp/abs.txt")}"
    i=$((i+1))
  done >> /tmp/output ) > /dev/null 2>&1 &
`;
const FAIL = "echo written before failing > $KFORGE_ARTIFACTS/partial.txt; exit 1";

const release = kernel61().release;
const out = join(dir, ".kforge", "vm-out", release);
const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();

beforeAll(() => {
  cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
  writeFileSync(join(dir, "hostile.sh"), HOSTILE);
  writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: [WRITE, "hostile.sh", FAIL] } }));
  mkdirSync(outside);
});

describe("kforge vm artifacts (Debian 6.1, TCG)", () => {
  it("copies the steps' files back byte-identical into .kforge/vm-out/<release>/, refusing what a hostile step left", async () => {
    const run = await runKforge(["vm", dir, "--json", "--kernel", release, "--accel", "tcg", "--timeout", "150"], { timeoutMs: 170_000 });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(run.exitCode, run.stderr).toBe(1);
    expect(result.steps.map((step) => step.ok)).toEqual([true, true, true, false, true]);
    const artifacts = result.artifacts!;
    expect(artifacts).toMatchObject({ status: "collected", dir: out, partial: true, partialReason: `"${FAIL}" failed` });
    expect(readFileSync(join(out, "junit.xml"), "utf8")).toBe(JUNIT);
    expect(readFileSync(join(out, "frames", "0", "raw.bin"))).toEqual(Buffer.from([0, 1, 0xff, ...Buffer.from("binary")]));
    expect(readFileSync(join(out, "frames", "log.txt"), "utf8")).toBe(LOG);
    expect(readFileSync(join(out, "partial.txt"), "utf8")).toBe("written before failing\n");
    const padding = Array.from({ length: PADDING }, (_, index) => `pad/${index}`);
    const copied = ["frames/0/raw.bin", "frames/log.txt", "junit.xml", "partial.txt", ...padding].sort();
    expect(filesUnder(out)).toEqual([".kforge-artifacts.json", ...copied].sort());
    expect(artifacts.status === "collected" && artifacts.files.map((file) => file.path).sort()).toEqual(copied);
    expect(readFileSync(join(out, "pad", "0"))).toEqual(Buffer.alloc(0));
    const refused = artifacts.status === "collected" ? Object.fromEntries(artifacts.refused.map((item) => [item.name, item.reason])) : {};
    expect(refused).toEqual({
      link: "a symlink: not followed",
      fifo: "not a regular file (a device, FIFO or socket)",
      "esc\\x1b[2J": "the name has control characters",
      huge: expect.stringMatching(/^its 5\.0 MiB would pass the run's limit of 4\.0 MiB/),
      "../escape.txt": "the name has an empty, . or .. component",
      "/tmp/abs.txt": "the name is an absolute path",
    });
    // The forged names were written nowhere: not beside the dir, not above it, not at the absolute path.
    const everything = readdirSync(root, { recursive: true }).map(String);
    expect(everything.filter((path) => /(^|\/)(escape|abs)\.txt$/.test(path))).toEqual([]);
    expect(existsSync("/tmp/abs.txt")).toBe(false);
  }, 180_000);

  it("removes the last run's files but never the user's, and writes nothing through a symlink on the host", async () => {
    writeFileSync(join(out, "mine.txt"), "the user's own file");
    symlinkSync(outside, join(out, "sub"));
    writeFileSync(
      join(dir, "kforge.json"),
      JSON.stringify({
        vm: {
          test: [
            "echo second > $KFORGE_ARTIFACTS/junit.xml; mkdir $KFORGE_ARTIFACTS/sub; echo x > $KFORGE_ARTIFACTS/sub/x.txt",
            `touch "$KFORGE_ARTIFACTS/$(printf 'esc\\033[2J')"`,
          ],
        },
      }),
    );
    // Cold: the files reach the guest in its initramfs, the artifacts dir comes from its own /init.
    const run = await runKforge(["vm", dir, "--cold", "--kernel", release, "--accel", "tcg", "--timeout", "150"], { timeoutMs: 170_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(filesUnder(out)).toEqual([".kforge-artifacts.json", "junit.xml", "mine.txt", "sub"]);
    expect(readFileSync(join(out, "junit.xml"), "utf8")).toBe("second\n");
    expect(readFileSync(join(out, "mine.txt"), "utf8")).toBe("the user's own file");
    expect(readdirSync(outside)).toEqual([]);
    expect(run.stdout).toContain(`artifacts on ${release}: 1 file (7 bytes) in ${out}/`);
    expect(run.stdout).toContain("refused sub/x.txt: sub on the host is not a folder (a symlink or a file)");
    expect(run.stdout).toContain("refused esc\\x1b[2J: the name has control characters");
    expect(run.stdout).not.toContain("\x1b");
  }, 180_000);

  it("keeps each kernel's files apart under an --artifacts dir given on the command line (test on two kernels)", async () => {
    writeFileSync(join(dir, "kforge.json"), "{}");
    const chosen = join(root, "chosen");
    const releases = [kernel61().release, kernel612().release];
    const args = ["test", "--vm", dir, "--json", "--accel", "tcg", "--timeout", "150", "--artifacts", chosen];
    const step = ["--exec", "uname -r > $KFORGE_ARTIFACTS/release.txt"];
    const run = await runKforge([...args, ...releases.flatMap((release) => ["--kernel", release]), ...step], { timeoutMs: 170_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const { kernels } = JSON.parse(run.stdout) as { kernels: VmResult[] };
    for (const release of releases) {
      expect(readFileSync(join(chosen, release, "release.txt"), "utf8")).toBe(`${release}\n`);
      expect(kernels.find((kernel) => kernel.release === release)?.artifacts).toMatchObject({ dir: join(chosen, release) });
    }
    // The first run saved the 6.1 guest's state: this one is restored, and its steps found the dir all the same.
    expect(kernels.find((kernel) => kernel.release === kernel61().release)?.start).toBe("restored");
  }, 180_000);

  it("refuses a kforge.json vm.artifacts outside the module dir before anything is built", async () => {
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { artifacts: "../elsewhere" } }));
    const run = await runKforge(["vm", dir, "--kernel", release]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('kforge.json vm.artifacts "../elsewhere" is not a folder inside the module dir');
    expect(run.stderr).toMatch(/hint: .*--artifacts <dir>/);
    expect(existsSync(join(root, "elsewhere"))).toBe(false);
  });
});
