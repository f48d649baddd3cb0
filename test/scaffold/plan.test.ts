import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/kforge-json.js";
import { UsageError } from "../../src/errors.js";
import { planModule } from "../../src/scaffold/plan.js";
import { listTemplates } from "../../src/scaffold/templates.js";

const common = [".gitignore", "Kbuild", "Makefile", "README.md", "kforge.json"];
const expectedFiles: Record<string, string[]> = {
  chardev: [...common, "demo.c"],
  hello: [...common, "demo.c"],
  kunit: [...common, "demo.c", "demo.h", "demo_test.c"],
  misc: [...common, "client.c", "demo.c"],
  multi: [...common, "demo.h", "demo_greet.c", "demo_main.c"],
  params: [...common, "demo.c"],
  pci: [...common, "demo.c"],
  procfs: [...common, "demo.c"],
  sysfs: [...common, "demo.c"],
};

describe("template catalogue", () => {
  it("has the nine templates, each with a one-line summary and guest checks", async () => {
    const templates = await listTemplates();
    expect(templates.map((template) => template.name)).toEqual([
      "chardev",
      "hello",
      "kunit",
      "misc",
      "multi",
      "params",
      "pci",
      "procfs",
      "sysfs",
    ]);
    for (const template of templates) {
      expect(template.summary.length).toBeGreaterThan(10);
      expect(template.vmTest.length).toBeGreaterThan(0);
    }
  });

  it.each(Object.keys(expectedFiles))("%s renders exactly its files, with the VM checks in a valid kforge.json", async (template) => {
    const plan = await planModule({ name: "demo", template, license: "GPL", author: "A" });
    expect(plan.files.map((file) => file.path).sort()).toEqual([...expectedFiles[template]!].sort());
    const config = parseConfig(plan.files.find((file) => file.path === "kforge.json")!.content);
    expect(config.vm?.test?.length).toBeGreaterThan(0);
    expect(config.vm?.test?.every((command) => !command.includes("{{"))).toBe(true);
    // A driver template brings the device it drives.
    expect(config.vm?.devices).toEqual(template === "pci" ? ["edu"] : undefined);
    // A template with a userspace client runs it on the host's userspace (its libc) in the guest.
    expect(config.vm?.userspace).toEqual(template === "misc" ? "host" : undefined);
    for (const file of plan.files) {
      expect(file.content, file.path).not.toContain("{{");
      expect(file.content, file.path).not.toContain("&lt;");
    }
    const kbuild = plan.files.find((file) => file.path === "Kbuild")!.content;
    expect(kbuild).toContain("obj-m := demo.o");
    if (template === "multi") expect(kbuild).toContain("demo-y := demo_greet.o demo_main.o");
    else expect(kbuild).not.toContain("demo-y");
  });

  it("misc is the chardev driver plus a client the Makefile builds with the host's compiler, not kbuild", async () => {
    const misc = await planModule({ name: "demo", template: "misc", license: "GPL", author: "A" });
    const chardev = await planModule({ name: "demo", template: "chardev", license: "GPL", author: "A" });
    const content = (plan: typeof misc, path: string) => plan.files.find((file) => file.path === path)!.content;
    expect(content(misc, "demo.c")).toBe(content(chardev, "demo.c").replace('from the "chardev" template', 'from the "misc" template'));
    expect(content(misc, "Kbuild")).toBe(content(chardev, "Kbuild"));
    expect(content(misc, "client.c")).toContain('"/dev/demo"');
    const makefile = content(misc, "Makefile");
    expect(makefile).toContain("all: modules client\n");
    expect(makefile).toContain("$(USER_PROGRAMS): $(MODULE_DIR)/%: $(MODULE_DIR)/%.c\n\t$(CC) $(USER_CFLAGS) -o $@ $<");
    expect(makefile).toMatch(/^clean:\n[\s\S]*\trm -f \$\(USER_PROGRAMS\)\n\nhelp:/m);
    expect(content(chardev, "Makefile")).not.toContain("client");
    expect(content(misc, ".gitignore")).toMatch(/^\/client$/m);
    expect(content(misc, "README.md")).toContain("`make` also builds `client`");
  });

  it("uses the template's description when none is given", async () => {
    const plan = await planModule({ name: "demo", template: "procfs", license: "GPL", author: "A" });
    expect(plan.description).toBe("A kernel module that reports its state in a /proc file");
    expect(plan.files.find((file) => file.path === "demo.c")!.content).toContain(`MODULE_DESCRIPTION("${plan.description}");`);
  });
});

describe("planModule checks", () => {
  it("rejects an unknown template and lists the known ones", async () => {
    const error = await planModule({ name: "demo", template: "nope", license: "GPL", author: "A" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toContain("chardev, hello, kunit, misc, multi, params, pci, procfs, sysfs");
  });

  it("rejects a license string the kernel does not know", async () => {
    const error = await planModule({ name: "demo", template: "hello", license: "MIT", author: "A" }).catch((caught: unknown) => caught);
    expect((error as UsageError).message).toContain('unknown module license "MIT"');
    expect((error as UsageError).hint).toContain('"Dual MIT/GPL"');
  });

  it("accepts Proprietary with a notice, except for a template that needs GPL-only symbols", async () => {
    const plan = await planModule({ name: "demo", template: "hello", license: "Proprietary", author: "A" });
    expect(plan.notices.join("\n")).toContain("taints the kernel");
    const error = await planModule({ name: "demo", template: "sysfs", license: "Proprietary", author: "A" }).catch(
      (caught: unknown) => caught,
    );
    expect((error as UsageError).message).toContain("GPL-only kernel symbols");
  });
});

describe("a broken template", () => {
  it("fails the whole render, naming the file, before anything could be written", async () => {
    const root = await mkdtemp(join(tmpdir(), "kforge-broken-template-"));
    try {
      await mkdir(join(root, "_common"));
      await mkdir(join(root, "broken"));
      await writeFile(
        join(root, "broken", "template.json"),
        JSON.stringify({ summary: "s", defaultDescription: "d", requiresGpl: false, vmTest: ["true"] }),
      );
      await writeFile(join(root, "broken", "a.c.hbs"), "fine {{name}}\n");
      await writeFile(join(root, "broken", "b.c.hbs"), 'MODULE_AUTHOR("{{cString autor}}");\n');
      const error = await planModule({ name: "demo", template: "broken", license: "GPL", author: "A", templatesRoot: root }).catch(
        (caught: unknown) => caught,
      );
      expect((error as Error).message).toContain(
        "cannot render templates/broken/b.c.hbs: cString: expected text, got an undefined variable",
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("rejects a user program whose name make or the shell would read specially, and an unknown base", async () => {
    const root = await mkdtemp(join(tmpdir(), "kforge-broken-template-"));
    try {
      await mkdir(join(root, "_common"));
      await mkdir(join(root, "broken"));
      const metadata = { summary: "s", defaultDescription: "d", requiresGpl: false, vmTest: ["true"] };
      const plan = async (extra: object) => {
        await writeFile(join(root, "broken", "template.json"), JSON.stringify({ ...metadata, ...extra }));
        const error = await planModule({ name: "demo", template: "broken", license: "GPL", author: "A", templatesRoot: root }).catch(
          (caught: unknown) => caught,
        );
        return error as Error;
      };
      expect((await plan({ userPrograms: ["../client"] })).message).toContain("userPrograms must be a list of program names");
      expect((await plan({ base: "nope" })).message).toContain('unknown template "nope"');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
