// The one --json failure object: what every command prints on stdout when it fails before printing
// its result, {"ok":false,"error":{"message","hint"}}.
export interface JsonFailure {
  ok: false;
  error: { message: string; hint: string | null };
}

export function jsonFailure(error: { message: string; hint?: string | null }): JsonFailure {
  return { ok: false, error: { message: error.message, hint: error.hint ?? null } };
}
