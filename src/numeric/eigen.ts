/**
 * Eigendecomposition of a real symmetric matrix.
 */

/** The result of {@link symmetricEigen}: A = V diag(values) Vᵀ. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Orthonormal eigenvectors, row-major n × n: column j (`vectors[i * n + j]`) belongs to `values[j]`. */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric `n × n` matrix (row-major; only the upper triangle is
 * read, so a slightly asymmetric input is treated as its upper triangle mirrored).
 *
 * Cyclic Jacobi: sweep over every off-diagonal pair (p, q) and apply the plane rotation that zeroes
 * it, accumulating the rotations into V, until the off-diagonal mass is negligible next to the
 * diagonal. Each rotation uses the smaller root of the rotation angle's quadratic (Rutishauser's
 * formulation), which keeps it stable, and Jacobi is accurate to high relative precision even for
 * tiny eigenvalues — what CMA-ES needs for covariances with condition numbers near 1e14. Cost is
 * O(n³) per sweep with a handful of sweeps; fine for the dimensions a hyperparameter search has (a
 * few ms at n = 100). `a` is not modified.
 *
 * @see G. H. Golub and C. F. Van Loan, "Matrix Computations", 4th ed., §8.5 (the Jacobi method).
 * @see H. Rutishauser, "The Jacobi method for real symmetric matrices", Numer. Math. 9 (1966).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 64): SymmetricEigen {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = a[i * n + j] as number;
      m[i * n + j] = x;
      m[j * n + i] = x;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! * m[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Skip once the element is below rounding of both diagonal entries (after the first sweeps).
        const g = 100 * Math.abs(apq);
        if (sweep > 3 && Math.abs(app) + g === Math.abs(app) && Math.abs(aqq) + g === Math.abs(aqq)) {
          m[p * n + q] = 0;
          m[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // M ← Jᵀ M J with J the rotation in the (p, q) plane: columns first, then rows.
        for (let k = 0; k < n; k++) {
          const kp = m[k * n + p]!;
          const kq = m[k * n + q]!;
          m[k * n + p] = c * kp - s * kq;
          m[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = m[p * n + k]!;
          const qk = m[q * n + k]!;
          m[p * n + k] = c * pk - s * qk;
          m[q * n + k] = s * pk + c * qk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
  }

  // Sort ascending (stable on ties by index, so the result is deterministic).
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i]! - m[j * n + j]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let jj = 0; jj < n; jj++) {
    const j = order[jj]!;
    values[jj] = m[j * n + j]!;
    for (let i = 0; i < n; i++) vectors[i * n + jj] = v[i * n + j]!;
  }
  return { values, vectors };
}
