/**
 * Code for the shared numeric encoder (`src/data/numeric-encoder.ts`) in a generated predictor:
 * numeric columns median-imputed, optionally standardised, with a 0/1 missing indicator where
 * training had missing cells; categorical columns one-hot encoded (rare categories in their shared
 * slot; missing and unseen labels all zeros). The arithmetic is the encoder's,
 * `((missing ? fill : v) - mean) / scale`, so the encoded row is bit-for-bit the library's.
 */
import type { NumericEncoderState } from "../../data/numeric-encoder.js";
import type { CodegenContext } from "./context.js";
import { lineSafe, num, str, wrap } from "./emit.js";

const ONE_HOT = `/** Sets the one-hot slot of \`label\` (none for a missing or unseen label). */
function oneHot(out: Float64Array, offset: number, slots: ReadonlyMap<string, number>, label: string | null): void {
  if (label === null) return;
  const s = slots.get(label);
  if (s !== undefined) out[offset + s] = 1;
}`;

/** Declares `encN(x: Cells): Float64Array` for a fitted encoder; returns its name. */
export function emitEncoder(state: NumericEncoderState, ctx: CodegenContext): string {
  const name = ctx.fresh("encode");
  const width = state.featureNames.length;
  const lines: string[] = [];
  let offset = 0;
  state.columns.forEach((enc, j) => {
    const schema = state.schema[j]!;
    const slot = ctx.column(schema);
    if (enc.kind === "numeric") {
      lines.push(`  // ${lineSafe(enc.name)}`);
      lines.push(`  v = x.num[${slot}]!;`);
      lines.push(`  out[${offset}] = ((Number.isNaN(v) ? ${num(enc.fill)} : v) - ${num(enc.mean)}) / ${num(enc.scale)};`);
      if (enc.indicator) lines.push(`  out[${offset + 1}] = Number.isNaN(v) ? 1 : 0;`);
      offset += enc.indicator ? 2 : 1;
    } else {
      const cats = schema.categories ?? [];
      const entries: string[] = [];
      cats.forEach((label, k) => {
        const s = enc.slots[k] ?? -1;
        if (s >= 0) entries.push(`[${str(label)}, ${s}]`);
      });
      const slots = ctx.constant("SLOTS", "ReadonlyMap<string, number>", entries.length === 0 ? "new Map<string, number>()" : `new Map<string, number>([\n${wrap(entries)}\n])`);
      ctx.helper("oneHot", ONE_HOT);
      lines.push(`  oneHot(out, ${offset}, ${slots}, x.cat[${slot}]!); // ${lineSafe(enc.name)}`);
      offset += enc.width;
    }
  });
  const usesV = state.columns.some((c) => c.kind === "numeric");
  ctx.declare(`/** The numeric encoder: ${width} encoded features. */
function ${name}(x: Cells): Float64Array {
  const out = new Float64Array(${width});${usesV ? "\n  let v: number;" : ""}
${lines.join("\n")}
  return out;
}`);
  return name;
}
