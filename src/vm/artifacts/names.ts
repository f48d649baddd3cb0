// Pure: which names a guest may give the files it sends back. The guest is untrusted: a name is a
// path relative to the run's artifacts dir made only of ordinary components (no `..`, no absolute
// path, no empty or `.` component), UTF-8 without control characters (nothing reaches a terminal
// as an escape sequence), within Linux's own length limits, and never kforge's own manifest.
import { showLine } from "../../text/visible-text.js";

export const MANIFEST_NAME = ".kforge-artifacts.json";
// Linux's NAME_MAX and a bound on the whole path well below PATH_MAX with any host prefix.
const MAX_COMPONENT_BYTES = 255;
const MAX_PATH_BYTES = 1024;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type NameCheck = { ok: true; path: string } | { ok: false; shown: string; reason: string };

export function checkArtifactName(bytes: Buffer): NameCheck {
  let path: string;
  try {
    path = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, shown: showBytes(bytes), reason: "the name is not UTF-8" };
  }
  const refuse = (reason: string): NameCheck => ({ ok: false, shown: showLine(path), reason });
  if (CONTROL.test(path)) return refuse("the name has control characters");
  if (bytes.length > MAX_PATH_BYTES) return refuse(`the name is longer than ${MAX_PATH_BYTES} bytes`);
  if (path.startsWith("/")) return refuse("the name is an absolute path");
  const parts = path.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) return refuse("the name has an empty, . or .. component");
  if (parts.some((part) => Buffer.byteLength(part) > MAX_COMPONENT_BYTES))
    return refuse(`a component of the name is longer than ${MAX_COMPONENT_BYTES} bytes`);
  if (path === MANIFEST_NAME) return refuse("the name is kforge's own manifest");
  return { ok: true, path };
}

// A name from the listing's hex; odd or non-hex text cannot come from a well-formed line.
export const checkHexName = (hex: string): NameCheck => checkArtifactName(Buffer.from(hex, "hex"));

// Bytes that are not UTF-8, shown as Latin-1 with every control character escaped.
const showBytes = (bytes: Buffer): string =>
  [...bytes].map((byte) => (byte >= 0x80 ? `\\x${byte.toString(16)}` : showLine(String.fromCharCode(byte)))).join("");
