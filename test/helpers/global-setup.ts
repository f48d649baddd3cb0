// The CLI tests run bin/kforge.js, which needs the compiled dist/: `npm test` compiles first, and
// this guards against running vitest alone on a stale or missing build.
import { existsSync } from "node:fs";

export default function setup(): void {
  if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) {
    throw new Error("dist/ is missing: run `npm test` (it compiles first) or `npm run build`");
  }
}
