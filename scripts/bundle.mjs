#!/usr/bin/env node
// Bundles the compiled dist/ into dist/bundle/, which bin/kforge.js runs: Node resolves and reads each
// ES module file on its own, and for a short command (a no-op build, --version) loading ~100 small files
// cost more than the command's own work. Code splitting keeps each command's code in chunks of its own, so
// a command still loads only what it reaches. Packages stay in node_modules. Run by `npm run build` (and
// `npm ci`'s prepare) after tsc, and by the tests' global setup so the bundle never lags dist/.
import { readdirSync, rmSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const outdir = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
const result = await build({
  entryPoints: [fileURLToPath(new URL("../dist/cli/main.js", import.meta.url))],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // dist/bundle/ sits two levels below the package root, like dist/<folder>/, so the paths the code
  // builds from import.meta.url (templates/, package.json) stay right.
  outdir,
  logLevel: "warning",
  metafile: true,
});
// Chunk names carry content hashes: each rebuild removes the chunks it no longer writes (after the
// build, so a kforge or test run going on meanwhile never misses a file).
const written = new Set(Object.keys(result.metafile.outputs).map((path) => basename(path)));
for (const file of readdirSync(outdir)) if (!written.has(file)) rmSync(`${outdir}${file}`);
