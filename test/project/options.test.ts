// The option table is the one declaration of every flag: each entry is registered under its own name,
// used by some command, and a flag with a kforge.json key resolves flag over file over default.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMAND_GROUPS } from "../../src/cli/program.js";
import { type CommandSpec, createOption } from "../../src/cli/register/command-spec.js";
import { type OptionName, OPTIONS } from "../../src/project/options.js";
import { configValue, resolveSetting, settingSource } from "../../src/project/settings.js";

const specs = (list: readonly CommandSpec[]): CommandSpec[] => list.flatMap((spec) => [spec, ...specs(spec.subcommands ?? [])]);
const used = new Set(
  specs(COMMAND_GROUPS.flat()).flatMap((spec) => (spec.options ?? []).map((use) => (typeof use === "string" ? use : use[0]))),
);

describe("the option table", () => {
  it("names each option as commander does, so parsed flags are the table's keys", () => {
    for (const name of Object.keys(OPTIONS) as OptionName[]) expect(createOption(name).attributeName(), name).toBe(name);
  });

  it("has no option that no command takes", () => {
    expect(Object.keys(OPTIONS).filter((name) => !used.has(name as OptionName))).toEqual([]);
  });

  it("resolves a setting from the flag, else kforge.json, else the default, and says which", () => {
    const config = { vm: { memory: 512 } };
    expect(resolveSetting("memory", { memory: 1024 }, config)).toBe(1024);
    expect(resolveSetting("memory", {}, config)).toBe(512);
    expect(resolveSetting("memory", {}, {})).toBe(256);
    expect(resolveSetting("jobs", {}, {})).toBeUndefined();
    expect(settingSource("memory", { memory: 1024 }, config)).toBe("--memory");
    expect(settingSource("memory", {}, config)).toBe("kforge.json vm.memory");
    expect(configValue({ make: { variables: { A: "1" } } }, "make.variables.A")).toBe("1");
    // Inherited names are never settings.
    expect(configValue({}, "toString")).toBeUndefined();
  });

  it("documents every kforge.json key a flag overrides in docs/configuration.md", () => {
    const page = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    const keys = Object.values(OPTIONS).flatMap((spec) => ("config" in spec && spec.config ? [spec.config] : []));
    expect(keys.filter((key) => !page.includes(`\`${key}\``))).toEqual([]);
  });

  it("rejects bad values with the option's name", () => {
    expect(() => createOption("jobs").parseArg!("0", undefined)).toThrow('--jobs must be a positive whole number, got "0"');
    expect(() => createOption("accel").parseArg!("xen", undefined)).toThrow('--accel takes auto, kvm or tcg, got "xen"');
    expect(createOption("kernel").parseArg!("b", ["a"])).toEqual(["a", "b"]);
    expect(() => createOption("coverageFormat").parseArg!("xml", undefined)).toThrow(
      '--coverage-format takes lcov, cobertura or html, got "xml"',
    );
  });
});
