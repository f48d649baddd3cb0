#!/usr/bin/env node
// The entry point: the compiled CLI, bundled, lives in dist/bundle/ (built by `npm ci` or `npm run build`).
import { existsSync } from "node:fs";

const entry = new URL("../dist/bundle/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("kforge: error: dist/bundle/ is missing\nhint: run `npm ci` (or `npm run build`) in the kforge checkout first\n");
  process.exit(2);
}
const { main } = await import(entry.href);
const exitCode = await main(process.argv.slice(2));
// Let stdout drain before exiting so piped JSON is never cut short.
process.stdout.write("", () => process.exit(exitCode));
