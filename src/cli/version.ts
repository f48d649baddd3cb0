// kforge's own version, from its package.json.
import { readFileSync } from "node:fs";

export function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(packageJson.version);
}
