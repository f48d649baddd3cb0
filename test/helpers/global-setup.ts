// The CLI tests run bin/kforge.js, which needs the compiled dist/ and its bundle: `npm test` builds both
// first. This guards against running vitest alone on a missing build, and bundles again so the bundle
// never lags a dist/ that `tsc` alone refreshed.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) {
    throw new Error("dist/ is missing: run `npm test` (it compiles first) or `npm run build`");
  }
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/bundle.mjs", import.meta.url))], { stdio: "inherit" });
}
