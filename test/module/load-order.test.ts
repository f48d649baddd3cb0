import { describe, expect, it } from "vitest";
import { KforgeError } from "../../src/errors.js";
import { orderModules, selectModules } from "../../src/module/load-order.js";
import { UsageError } from "../../src/errors.js";

const module = (name: string, ...depends: string[]) => ({ name, depends });

describe("orderModules", () => {
  it("puts providers before their users and keeps unrelated modules in their given order", () => {
    const { order, external } = orderModules([module("consumer", "provider", "libcrc32c"), module("alone"), module("provider")]);
    expect(order.map((item) => item.name)).toEqual(["provider", "consumer", "alone"]);
    expect(external).toEqual(["libcrc32c"]);
  });

  it("matches names with dashes and underscores and lists each external once", () => {
    const { order, external } = orderModules([module("top", "my-lib", "fat"), module("my_lib", "fat")]);
    expect(order.map((item) => item.name)).toEqual(["my_lib", "top"]);
    expect(external).toEqual(["fat"]);
  });

  it("ignores empty depends entries (modinfo writes depends= with nothing)", () => {
    expect(orderModules([module("a", "")]).external).toEqual([]);
  });

  it("names the cycle", () => {
    const modules = [module("a", "b"), module("b", "c"), module("c", "a")];
    expect(() => orderModules(modules)).toThrow(KforgeError);
    expect(() => orderModules(modules)).toThrow("a -> b -> c -> a");
  });
});

describe("selectModules", () => {
  const project = [
    module("alone"),
    module("consumer", "provider", "videodev"),
    module("provider", "core"),
    module("core"),
    module("other", "core"),
  ];

  it("takes the named modules and the project modules they need, in load order", () => {
    const { order, external } = selectModules(project, ["consumer"]);
    expect(order.map((item) => item.name)).toEqual(["core", "provider", "consumer"]);
    expect(external).toEqual(["videodev"]);
  });

  it("takes several names once each", () => {
    expect(selectModules(project, ["other", "provider", "other"]).order.map((item) => item.name)).toEqual(["core", "provider", "other"]);
  });

  it("refuses an unknown name, listing what the project builds", () => {
    const error = (() => {
      try {
        selectModules(project, ["consumr"]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("--module consumr: the project builds no such module");
    expect((error as UsageError).hint).toBe("the project builds: alone, consumer, provider, core, other");
  });
});
