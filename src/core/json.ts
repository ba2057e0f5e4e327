/** A value that survives `JSON.stringify` / `JSON.parse` unchanged: what attributes may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
