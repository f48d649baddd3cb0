// Reads committed fixtures under test/fixtures/.
import { readFileSync } from "node:fs";

export function fixturePath(relative: string): string {
  return new URL(`../fixtures/${relative}`, import.meta.url).pathname;
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), "utf8");
}
