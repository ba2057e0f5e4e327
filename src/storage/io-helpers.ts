/** Small helpers shared by the file-system and SQLite backends. */

/** The `code` of a Node or SQLite error (`ENOENT`, `SQLITE_BUSY`, …), if it has one. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}

/** The message of an error, or the thrown value as text. */
export function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
