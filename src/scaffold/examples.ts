// The committed examples/example_<template>/ modules: fixed inputs (no git user, no dates) so that
// regenerating them is deterministic and a test can compare them byte for byte.
import { fileURLToPath } from "node:url";
import { DEFAULT_LICENSE } from "./license.js";
import { planModule, type ModulePlan } from "./plan.js";

export const EXAMPLES_ROOT = fileURLToPath(new URL("../../examples/", import.meta.url));
export const EXAMPLE_AUTHOR = "The kforge authors";

export function exampleName(template: string): string {
  return `example_${template}`;
}

export function planExample(template: string): Promise<ModulePlan> {
  return planModule({ name: exampleName(template), template, license: DEFAULT_LICENSE, author: EXAMPLE_AUTHOR });
}
