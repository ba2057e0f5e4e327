/** Number formatting and Markdown tables for the reports. */

/** A millisecond figure with 3 significant digits (0.0123, 1.23, 123). */
export function ms(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "—";
  if (x >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

/** A ratio as "123×" / "4.5×". */
export function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "—";
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** A regret value with 3 significant digits, exponent form when tiny or huge. */
export function regret(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "—";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(2);
  return x.toPrecision(3);
}

export function pValue(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return "—";
  if (p < 0.001) return "<0.001";
  return p.toFixed(3);
}

export const int = (n: number): string => n.toLocaleString("en-US");

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
