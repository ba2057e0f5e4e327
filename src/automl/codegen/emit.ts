/**
 * Literals for generated TypeScript: numbers that round-trip exactly, typed-array and string-array
 * literals, wrapped to a readable width. Exactness is the point: the generated predictor must give
 * the library's numbers, not approximately equal ones, so every double is written in its shortest
 * round-trip form (`JSON.stringify`'s), with the values JSON cannot hold (NaN, ±Infinity, −0)
 * spelled out.
 */

/** A double as a TypeScript expression that evaluates to exactly the same double. */
export function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return JSON.stringify(v);
}

/**
 * A float32 value (already widened to a double) in the shortest decimal form that rounds back to
 * the same float32. Written into a `Float32Array` literal, it reproduces the weight bit for bit, at
 * about half the length of the double's own shortest form.
 */
export function float32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return num(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return num(Number(s));
  }
  return num(v);
}

/** Joins items into lines of at most `width` characters, each indented by `indent`. */
export function wrap(items: readonly string[], indent = "  ", width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const it of items) {
    if (line !== "" && line.length + it.length + 2 > width) {
      lines.push(indent + line + ",");
      line = it;
    } else line = line === "" ? it : `${line}, ${it}`;
  }
  if (line !== "") lines.push(indent + line + ",");
  return lines.join("\n");
}

/** `new Float64Array([...])` with exact doubles. */
export function float64ArrayLiteral(values: ArrayLike<number>): string {
  return `new Float64Array([\n${wrap(Array.from(values, num))}\n])`;
}

/** `new Float32Array([...])` reproducing each float32 exactly. */
export function float32ArrayLiteral(values: ArrayLike<number>): string {
  return `new Float32Array([\n${wrap(Array.from(values, float32))}\n])`;
}

/** `new Int32Array([...])`. */
export function int32ArrayLiteral(values: ArrayLike<number>): string {
  return `new Int32Array([\n${wrap(Array.from(values, (v) => String(v | 0)))}\n])`;
}

/** `new Uint8Array([...])`. */
export function uint8ArrayLiteral(values: ArrayLike<number>): string {
  return `new Uint8Array([\n${wrap(Array.from(values, (v) => String(v & 255)))}\n])`;
}

/** A string literal (JSON's escaping is valid TypeScript). */
export function str(s: string): string {
  return JSON.stringify(s);
}

/** A `readonly string[]` literal. */
export function stringArrayLiteral(values: readonly string[]): string {
  return values.length === 0 ? "[]" : `[\n${wrap(values.map(str))}\n]`;
}

/** Makes text safe inside a `/* … *\/` comment. */
export function commentSafe(s: string): string {
  return s.replace(/\*\//g, "*\\/");
}

/** Makes text safe inside a `//` comment (one line). */
export function lineSafe(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]/g, " ");
}

/** Generated helper: a label's training code in a category index, -1 for missing or unseen labels. */
export const CODE_OF = `/** The training code of a label (-1: missing, or a category unseen in training). */
function codeOf(index: ReadonlyMap<string, number>, label: string | null): number {
  return label === null ? -1 : (index.get(label) ?? -1);
}`;
