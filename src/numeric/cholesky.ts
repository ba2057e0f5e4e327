/**
 * Growable Cholesky factors of symmetric positive-definite matrices, for Gaussian processes that
 * gain one observation at a time.
 *
 * The factor is stored row-major in a square buffer of capacity `cap` (row i starts at `i * cap`),
 * so a row can be appended without moving the others. Rows are computed by the
 * Cholesky–Banachiewicz recurrence (row by row), which means appending row n performs exactly the
 * floating-point operations a full factorisation would perform for that row: an extended factor is
 * bit-identical to one computed from scratch.
 */

/** A lower-triangular Cholesky factor L (A = L Lᵀ) that can grow by rows. */
export class CholeskyFactor {
  /** Order of the factor (rows in use). */
  n = 0;
  /** Row stride of {@link CholeskyFactor.data}. */
  cap: number;
  /** L, row-major with stride `cap`; entries above the diagonal are unused. */
  data: Float64Array;

  constructor(capacity = 16) {
    this.cap = Math.max(1, capacity);
    this.data = new Float64Array(this.cap * this.cap);
  }

  /** Makes room for `n` rows (copies the factor into a larger buffer when needed). */
  reserve(n: number): void {
    if (n <= this.cap) return;
    const cap = Math.max(n, Math.ceil(this.cap * 1.5));
    const data = new Float64Array(cap * cap);
    for (let i = 0; i < this.n; i++) data.set(this.data.subarray(i * this.cap, i * this.cap + i + 1), i * cap);
    this.cap = cap;
    this.data = data;
  }

  /**
   * Appends the row of A for a new last index: `row[j]` = A[n][j] for j < n and `row[n]` = A[n][n].
   * Returns false (and leaves the factor unchanged) when the new pivot is not clearly positive
   * (below 1e-12 of A[n][n]), i.e. the extended matrix is not positive definite to working
   * precision.
   *
   * @see G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., §4.2.
   */
  appendRow(row: ArrayLike<number>): boolean {
    const n = this.n;
    this.reserve(n + 1);
    const cap = this.cap;
    const L = this.data;
    const ri = n * cap;
    for (let j = 0; j < n; j++) {
      const rj = j * cap;
      let s = row[j] as number;
      for (let k = 0; k < j; k++) s -= (L[ri + k] as number) * (L[rj + k] as number);
      L[ri + j] = s / (L[rj + j] as number);
    }
    let d = row[n] as number;
    for (let k = 0; k < n; k++) {
      const v = L[ri + k] as number;
      d -= v * v;
    }
    // A pivot lost to cancellation (below 1e-12 of the diagonal entry) means singular to working precision.
    if (!(d > 1e-12 * Math.abs(row[n] as number)) || !Number.isFinite(d)) return false;
    L[ri + n] = Math.sqrt(d);
    this.n = n + 1;
    return true;
  }

  /**
   * Factorises the n × n matrix `a` (row-major, stride n; only the lower triangle is read) from
   * scratch. Returns false when it is not positive definite to working precision.
   */
  factor(a: Float64Array, n: number): boolean {
    this.n = 0;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      if (!this.appendRow(a.subarray(i * n, i * n + i + 1))) return false;
    }
    return true;
  }

  /** Drops rows beyond the first `n` (the factor of the leading n × n block). */
  truncate(n: number): void {
    this.n = Math.min(this.n, n);
  }

  /** A copy holding the first `n` rows (default all) with room for `extra` more. */
  clone(n = this.n, extra = 0): CholeskyFactor {
    const c = new CholeskyFactor(n + extra);
    for (let i = 0; i < n; i++) c.data.set(this.data.subarray(i * this.cap, i * this.cap + i + 1), i * c.cap);
    c.n = n;
    return c;
  }

  /** Solves L z = b in place (b has length ≥ n; only the first n entries are used). */
  solveLower(b: Float64Array): Float64Array {
    const { n, cap, data: L } = this;
    for (let i = 0; i < n; i++) {
      const ri = i * cap;
      let s = b[i] as number;
      for (let k = 0; k < i; k++) s -= (L[ri + k] as number) * (b[k] as number);
      b[i] = s / (L[ri + i] as number);
    }
    return b;
  }

  /** Solves Lᵀ z = b in place. */
  solveUpper(b: Float64Array): Float64Array {
    const { n, cap, data: L } = this;
    for (let i = n - 1; i >= 0; i--) {
      const bi = (b[i] as number) / (L[i * cap + i] as number);
      b[i] = bi;
      // Column i of Lᵀ is row i of L: subtract its contribution from the earlier entries.
      const ri = i * cap;
      for (let k = 0; k < i; k++) b[k] = (b[k] as number) - (L[ri + k] as number) * bi;
    }
    return b;
  }

  /** Solves A z = b (A = L Lᵀ) in place. */
  solve(b: Float64Array): Float64Array {
    return this.solveUpper(this.solveLower(b));
  }

  /** log det A = 2 Σ log L_ii. */
  logDet(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.log(this.data[i * this.cap + i] as number);
    return 2 * s;
  }

  /**
   * Solves L Z = B for many right-hand sides at once: `b` is n × m row-major (row i holds the i-th
   * entry of every right-hand side), overwritten with Z. The inner loop runs over the m columns, so
   * it streams through memory (used to get posterior variances of many candidates).
   */
  solveLowerMany(b: Float64Array, m: number): Float64Array {
    const { n, cap, data: L } = this;
    for (let i = 0; i < n; i++) {
      const ri = i * cap;
      const bi = i * m;
      for (let k = 0; k < i; k++) {
        const l = L[ri + k] as number;
        if (l === 0) continue;
        const bk = k * m;
        for (let c = 0; c < m; c++) b[bi + c] = (b[bi + c] as number) - l * (b[bk + c] as number);
      }
      const inv = 1 / (L[ri + i] as number);
      for (let c = 0; c < m; c++) b[bi + c] = (b[bi + c] as number) * inv;
    }
    return b;
  }

  /**
   * A⁻¹ as a dense n × n row-major matrix (both triangles), from L⁻¹: A⁻¹ = L⁻ᵀ L⁻¹. `out` and
   * `work` (each at least n² long) may be passed to avoid allocating.
   */
  inverse(out?: Float64Array, work?: Float64Array): Float64Array {
    const { n, cap, data: L } = this;
    if (out === undefined || out.length < n * n) out = new Float64Array(n * n);
    if (work === undefined || work.length < n * n) work = new Float64Array(n * n);
    // W = L⁻¹, lower triangular, row by row: row i = (e_i − Σ_{k<i} L_ik · row k) / L_ii, so the
    // inner loop runs along contiguous rows.
    const W = work;
    W.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) {
      const ri = i * cap;
      const wi = i * n;
      for (let k = 0; k < i; k++) {
        const l = L[ri + k] as number;
        if (l === 0) continue;
        const wk = k * n;
        for (let j = 0; j <= k; j++) W[wi + j] = (W[wi + j] as number) - l * (W[wk + j] as number);
      }
      W[wi + i] = 1;
      const inv = 1 / (L[ri + i] as number);
      for (let j = 0; j <= i; j++) W[wi + j] = (W[wi + j] as number) * inv;
    }
    // A⁻¹[i][j] = Σ_{k ≥ max(i,j)} W[k][i] W[k][j].
    out.fill(0, 0, n * n);
    for (let k = 0; k < n; k++) {
      const rk = k * n;
      for (let i = 0; i <= k; i++) {
        const wi = W[rk + i] as number;
        if (wi === 0) continue;
        const ri = i * n;
        for (let j = 0; j <= i; j++) out[ri + j] = (out[ri + j] as number) + wi * (W[rk + j] as number);
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j] as number;
    return out;
  }
}
