#!/usr/bin/env node
// Bundles the compiled dist/ into dist/bundle/, which bin/kforge.js runs: Node 20 resolves, reads and links
// each ES module file on its own, about a millisecond apiece, and for a short command (a no-op build,
// --version) loading many small files cost more than the command's own work. So a command loads two files
// of kforge's: main.js (the entry, the option table and the command tree) and one file for the command it
// runs (each `import()` of the entry becomes a bundle of its own, holding all that command reaches, its own
// lazy imports included). Code splitting would share modules between commands, but cuts each command's
// reach into dozens of chunks. Packages stay in node_modules. Run by `npm run build` (and `npm ci`'s
// prepare) after tsc, and by the tests' global setup so the bundle never lags dist/.
import { readdirSync, rmSync } from "node:fs";
import { basename, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const outdir = `${dist}bundle/`;
// Modules whose classes are checked with instanceof on both sides (the entry prints the command's
// KforgeError): one copy per process, a file of their own that the entry and every command import.
const SHARED = [`${dist}errors.js`];

const options = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // dist/bundle/ sits two levels below the package root, like dist/<folder>/, so the paths the code
  // builds from import.meta.url (templates/, package.json) stay right.
  outdir,
  logLevel: "warning",
  metafile: true,
};
const bundleName = (path) => relative(dist, path).replace(/\.js$/, "").replaceAll("/", "-");
const sharedPlugin = {
  name: "shared",
  setup(plugin) {
    plugin.onResolve({ filter: /\.js$/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData === "shared") return undefined;
      const { path } = await plugin.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: "shared" });
      return SHARED.includes(path) ? { path: `./${bundleName(path)}.js`, external: true } : undefined;
    });
  },
};

// The entry: each module it imports lazily (a command) becomes a bundle, named after its path in dist/.
const lazy = new Map();
const lazyPlugin = {
  name: "lazy",
  setup(plugin) {
    plugin.onResolve({ filter: /^\./ }, async (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const { path } = await plugin.resolve(args.path, { kind: "import-statement", resolveDir: args.resolveDir });
      lazy.set(bundleName(path), path);
      return { path: `./${bundleName(path)}.js`, external: true };
    });
  },
};
const entry = await build({ ...options, entryPoints: { main: `${dist}cli/main.js` }, plugins: [sharedPlugin, lazyPlugin] });
const entryPoints = Object.fromEntries([...SHARED.map((path) => [bundleName(path), path]), ...lazy]);
const parts = await build({ ...options, entryPoints, plugins: [sharedPlugin] });

// Remove what this build no longer writes (after the build, so a kforge or test run going on meanwhile
// never misses a file).
const written = new Set([entry, parts].flatMap((result) => Object.keys(result.metafile.outputs).map((path) => basename(path))));
for (const file of readdirSync(outdir)) if (!written.has(file)) rmSync(`${outdir}${file}`);
