import { describe, expect, it } from "vitest";
import { KforgeError } from "../../src/errors.js";
import { orderModules } from "../../src/module/load-order.js";

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
