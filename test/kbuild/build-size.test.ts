// The size of a build (objects and modules) from Kbuild lists or the previous build's .cmd files,
// checked against what real kbuild compiles and links for a multi-module project; the row text
// through the pure formatter.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { buildModules, type BuildEvent } from "../../src/kbuild/build-modules.js";
import { countCommandFiles, countKbuildObjects, estimateBuildSize } from "../../src/kbuild/build-size.js";
import { createBuildCounter, formatBuildCounts, shouldCount } from "../../src/ui/build-counts.js";
import { KFORGE_BIN } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

// Five single-file modules and a composite one linked from three objects: 8 objects, 6 modules.
const SINGLES = ["alpha", "beta", "gamma", "delta", "epsilon"];
function createCollection(kbuild: string): string {
  const files: Record<string, string> = {
    Kbuild: kbuild,
    "combo_main.c": moduleSource("combo"),
    "combo_a.c": "int combo_a(void) { return 1; }\n",
    "combo_b.c": "int combo_b(void) { return 2; }\n",
  };
  for (const name of SINGLES) files[`${name}.c`] = moduleSource(name);
  const dir = createModuleDir(files);
  dirs.push(dir);
  return dir;
}
const LISTED = `obj-m := ${SINGLES.slice(0, 3)
  .map((name) => `${name}.o`)
  .join(" ")} \\\n\t${SINGLES.slice(3)
  .map((name) => `${name}.o`)
  .join(" ")}\nobj-m += combo.o # the composite\ncombo-y := combo_main.o combo_a.o\ncombo-y += combo_b.o\n`;

describe("countKbuildObjects", () => {
  it("reads obj-m and <module>-y/-objs lists across continuations, += and comments", () => {
    expect(countKbuildObjects([LISTED])).toEqual({ objects: 8, modules: 6 });
    expect(countKbuildObjects(["obj-m += one.o two.o\n", "two-objs := a.o b.o c.o\n"])).toEqual({ objects: 4, modules: 2 });
    expect(countKbuildObjects(["ifneq ($(KERNELRELEASE),)\nobj-m := $(MODULES)\nendif\n"])).toBeUndefined();
  });

  it("shows counts only for more than a handful of objects, and never more done than expected", () => {
    expect(shouldCount({ objects: 5, modules: 5 })).toBe(false);
    expect(shouldCount(undefined)).toBe(false);
    expect(shouldCount({ objects: 42, modules: 42 })).toBe(true);
    expect(formatBuildCounts({ compiled: 12, linked: 3 }, { objects: 42, modules: 42 }, 8_400)).toBe(
      "12/42 objects, 3/42 modules linked, 8 s",
    );
    expect(formatBuildCounts({ compiled: 9, linked: 6 }, { objects: 8, modules: 6 }, 20_000)).toBe("9/9 objects, 6/6 modules linked, 20 s");
  });
});

describe.each([
  ["6.1", kernel61],
  ["6.12", kernel612],
])("counting a real %s build", (_version, kernel) => {
  it("compiles and links exactly what the Kbuild lists say, and the .cmd files left behind say the same", async () => {
    const dir = createCollection(LISTED);
    const counter = createBuildCounter();
    const starts: BuildEvent[] = [];
    const result = await buildModules({
      dir,
      kernel: kernel(),
      onEvent: (event) => {
        if (event.kind === "start") starts.push(event);
        if (event.kind === "step") counter.onStep(event.step, event.target);
      },
    });
    expect(result.ok).toBe(true);
    expect(starts).toMatchObject([{ kind: "start", size: { objects: 8, modules: 6 } }]);
    expect(counter.counts).toEqual({ compiled: 8, linked: 6 });
    // The fallback for lists it cannot read: one object too many for the composite's own link.
    expect(countCommandFiles(readdirSync(dir))).toEqual({ objects: 9, modules: 6 });
  });
});

describe("the build size fallback and plain output", () => {
  it("counts the previous build's .cmd files when the Kbuild list goes through a variable; plain output is unchanged", async () => {
    const release = kernel61().release;
    // A Kbuild list that goes through a variable: no total before the first build, then the .cmd files.
    const indirect = createCollection(
      "NAMES := alpha.o beta.o gamma.o delta.o epsilon.o combo.o\nobj-m := $(NAMES)\ncombo-y := combo_main.o combo_a.o combo_b.o\n",
    );
    expect(await estimateBuildSize(indirect)).toBeUndefined();
    const plain = await runPlain(["build", indirect, "--kernel", release]);
    expect(plain).toMatch(/CC \[M\]/);
    expect(plain).not.toMatch(/objects,/);
    expect(await estimateBuildSize(indirect)).toEqual({ objects: 9, modules: 6 });
  });
});

function runPlain(args: string[]): Promise<string> {
  return collect(process.execPath, [KFORGE_BIN, ...args], { ...process.env, CI: "true", NO_COLOR: "1" }, true);
}

function collect(file: string, args: string[], env: NodeJS.ProcessEnv, stderr = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    if (stderr) child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", () => resolve(output));
  });
}
