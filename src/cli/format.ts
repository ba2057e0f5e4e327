/** Human-readable rendering of trials for the terminal. */
import type { FrozenTrial } from "../core/frozen-trial.js";

const fmtNum = (x: number): string => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(4) : x.toPrecision(6));

/** One trial as `#3 complete value=0.12 x=1.5 kind="a"`. */
export function trialLine(t: FrozenTrial): string {
  const values = t.values ? (t.values.length === 1 ? `value=${fmtNum(t.values[0] as number)}` : `values=[${t.values.map(fmtNum).join(", ")}]`) : "";
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? fmtNum(v) : JSON.stringify(v)}`)
    .join(" ");
  const reason = t.state === "fail" && t.failReason ? ` (${t.failReason})` : "";
  return [`#${t.number}`, t.state, values, params].filter(Boolean).join(" ") + reason;
}

/** A trial as plain JSON for `--json`. */
export function trialJson(t: FrozenTrial): Record<string, unknown> {
  return {
    number: t.number,
    state: t.state,
    values: t.values ?? null,
    params: t.params,
    intermediateValues: t.intermediateValues,
    userAttrs: t.userAttrs,
    datetimeStart: t.datetimeStart !== undefined ? new Date(t.datetimeStart).toISOString() : null,
    datetimeComplete: t.datetimeComplete !== undefined ? new Date(t.datetimeComplete).toISOString() : null,
    ...(t.failReason !== undefined ? { failReason: t.failReason } : {}),
  };
}
