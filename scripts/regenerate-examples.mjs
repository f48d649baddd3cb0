#!/usr/bin/env node
// Regenerates examples/example_<template>/ for every template from the compiled kforge (dist/).
// Run after changing a template: npm run build && node scripts/regenerate-examples.mjs
// test/scaffold/examples.test.ts fails until the committed examples match.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";

const dist = new URL("../dist/scaffold/", import.meta.url);
if (!existsSync(new URL("examples.js", dist))) {
  process.stderr.write("dist/ is missing or stale: run `npm run build` first\n");
  process.exit(2);
}
const { EXAMPLES_ROOT, exampleName, planExample } = await import(new URL("examples.js", dist).href);
const { listTemplates } = await import(new URL("templates.js", dist).href);
const { writePlan } = await import(new URL("write-plan.js", dist).href);

for (const template of await listTemplates()) {
  const dir = join(EXAMPLES_ROOT, exampleName(template.name));
  const plan = await planExample(template.name);
  // Start from an empty folder so files a template no longer produces disappear.
  await rm(dir, { recursive: true, force: true });
  await writePlan(dir, plan.files, { force: false, dryRun: false });
  process.stdout.write(`${dir}: ${plan.files.length} files\n`);
}
