import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../../core/rng.js";
import { erfcNonNeg, logErfc, logGaussMass, logNdtr, ndtr, ndtriExp, sampleTruncatedStandardNormal } from "./truncated-normal.js";

const close = (got: number, want: number, rel: number, what: string): void => {
  assert.ok(Number.isFinite(want) && Math.abs(got - want) <= rel * Math.max(Math.abs(want), 1e-300), `${what}: got ${got}, want ${want}`);
};

describe("truncated-normal numerics", () => {
  it("log Φ matches 40-digit references in both tails", () => {
    // mpmath: log(ncdf(x)) at 40 digits.
    const refs: [number, number][] = [
      [-40, -804.60844201375378817],
      [-10, -53.231285150512470578],
      [-1, -1.8410216450092635058],
      [0, -0.69314718055994530942],
      [1, -0.17275377902344988953],
      [5, -2.8665161296376359338e-7],
      [10, -7.6198530241605260704e-24],
    ];
    for (const [x, want] of refs) close(logNdtr(x), want, 1e-13, `logNdtr(${x})`);
    assert.ok(Number.isFinite(logNdtr(-1e6)) && logNdtr(-1e6) < -4.9e11);
    assert.equal(logNdtr(Infinity), 0);
    assert.equal(logNdtr(-Infinity), -Infinity);
    close(ndtr(1.96), 0.9750021048517795, 1e-14, "ndtr(1.96)");
    // mpmath: erfc(z) at 40 digits.
    close(erfcNonNeg(0), 1, 1e-15, "erfc(0)");
    close(erfcNonNeg(0.5), 0.47950012218695346232, 1e-14, "erfc(0.5)");
    close(erfcNonNeg(3), 2.2090496998585441373e-5, 1e-13, "erfc(3)");
    close(erfcNonNeg(10), 2.0884875837625447570e-45, 1e-13, "erfc(10)");
    close(logErfc(30), Math.log(2.5646562037561116) - 393 * Math.LN10, 1e-13, "log erfc(30)");
  });

  it("log masses stay finite and symmetric far in the tails", () => {
    close(logGaussMass(-61, -60), -1805.0135606805671387, 1e-13, "left tail");
    assert.equal(logGaussMass(60, 61), logGaussMass(-61, -60));
    close(logGaussMass(-3, 2), Math.log(ndtr(2) - ndtr(-3)), 1e-13, "centre");
    assert.ok(logGaussMass(-Infinity, Infinity) === 0);
    close(logGaussMass(-1e-9, 1e-9), Math.log(2e-9 / Math.sqrt(2 * Math.PI)), 1e-6, "narrow");
  });

  it("inverts log Φ", () => {
    for (const x of [-300, -38, -8, -1.5, -1e-3, 0, 0.3, 2, 7.5]) {
      close(ndtriExp(logNdtr(x)), x, 1e-9, `ndtriExp(logNdtr(${x}))`);
    }
    assert.equal(ndtriExp(0), Infinity);
    assert.equal(ndtriExp(-Infinity), -Infinity);
  });

  it("draws truncated normals inside the bounds with the right mean", () => {
    const rng = new Random(7);
    for (const [a, b] of [[-1, 1], [0, 1], [30, 31], [-200, -199.5], [-1e-6, 1e-6], [-5, 100]] as const) {
      let sum = 0;
      const n = 4000;
      for (let i = 0; i < n; i++) {
        const x = sampleTruncatedStandardNormal(a, b, rng.next());
        assert.ok(x >= a && x <= b, `${x} outside [${a}, ${b}]`);
        sum += x;
      }
      // Mean of N(0,1) truncated to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)), in log space.
      const lz = logGaussMass(a, b);
      const phi = (x: number): number => Math.exp(-0.5 * x * x - 0.5 * Math.log(2 * Math.PI) - lz);
      const mean = phi(a) - phi(b);
      assert.ok(Math.abs(sum / n - mean) < 0.05 * Math.max(1, b - a), `[${a}, ${b}]: mean ${sum / n}, want ${mean}`);
    }
  });
});
