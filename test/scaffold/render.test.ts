import { describe, expect, it } from "vitest";
import { KforgeError } from "../../src/errors.js";
import { renderModule, type RenderInput } from "../../src/scaffold/render.js";

const variables = { name: "demo", template: "test", license: "GPL", author: "A", description: "D" };

function input(text: string, overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    variables,
    templateFiles: [{ source: "{{name}}.c.hbs", text }],
    commonFiles: [],
    makefileTemplate: "all:\n",
    vmTest: [],
    templateLabel: "templates/test",
    ...overrides,
  };
}

function renderError(text: string): KforgeError {
  try {
    renderModule(input(text));
  } catch (error) {
    expect(error).toBeInstanceOf(KforgeError);
    return error as KforgeError;
  }
  throw new Error("the render succeeded");
}

describe("renderModule", () => {
  it("renders file names, strips .hbs, and does not HTML-escape", () => {
    const files = renderModule(input('#include <linux/module.h>\nMODULE_AUTHOR("{{cString author}}"); // {{name}} & co\n'));
    const source = files.find((file) => file.path === "demo.c");
    expect(source?.content).toBe('#include <linux/module.h>\nMODULE_AUTHOR("A"); // demo & co\n');
  });

  it("fails on a missing variable everywhere instead of rendering an empty string", () => {
    expect(renderError("{{missing}}").message).toMatch(/cannot render templates\/test\/\{\{name\}\}\.c\.hbs: .*missing/);
    expect(renderError("{{cString missing}}").message).toContain("undefined variable");
    expect(renderError("{{#if missing}}x{{/if}}").message).toContain("#if");
    expect(renderError("{{#each missing}}x{{/each}}").message).toContain("#each");
  });

  it("escapes user text with cString", () => {
    const files = renderModule(input('"{{cString description}}"', { variables: { ...variables, description: 'q"\\' } }));
    expect(files.find((file) => file.path === "demo.c")?.content).toBe('"q\\"\\\\"');
  });

  it("turns a leading _ into a dot and adds Makefile and kforge.json with the rendered VM checks", () => {
    const files = renderModule(input("x", { commonFiles: [{ source: "_gitignore.hbs", text: "*.o\n" }], vmTest: ["cat /proc/{{name}}"] }));
    expect(files.map((file) => file.path)).toEqual([".gitignore", "Makefile", "demo.c", "kforge.json"]);
    expect(JSON.parse(files.find((file) => file.path === "kforge.json")!.content)).toEqual({ vm: { test: ["cat /proc/demo"] } });
  });

  it("puts a driver template's devices into kforge.json beside its checks", () => {
    const files = renderModule(input("x", { vmTest: ["true"], vmDevices: ["edu"] }));
    expect(JSON.parse(files.find((file) => file.path === "kforge.json")!.content)).toEqual({ vm: { devices: ["edu"], test: ["true"] } });
  });

  it("lists objects for Kbuild only when the module has several sources", () => {
    const kbuild = { source: "Kbuild.hbs", text: "{{#each objects}}{{this}} {{/each}}" };
    const single = renderModule(input("x", { commonFiles: [kbuild] }));
    expect(single.find((file) => file.path === "Kbuild")?.content).toBe("");
    const multi = renderModule(
      input("x", {
        commonFiles: [kbuild],
        templateFiles: [
          { source: "{{name}}_a.c.hbs", text: "" },
          { source: "{{name}}_b.c.hbs", text: "" },
        ],
      }),
    );
    expect(multi.find((file) => file.path === "Kbuild")?.content).toBe("demo_a.o demo_b.o ");
  });
});
