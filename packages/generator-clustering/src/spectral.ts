import { AcsegError } from '@acseg/core';
import { topEigenpairs } from './eigen.js';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { gram, squaredDistances, toPoints, type Points, type PointsLike } from './points.js';

export type AffinityKind = 'cosine' | 'rbf' | 'knn';
export const AFFINITY_KINDS: readonly AffinityKind[] = ['cosine', 'rbf', 'knn'];

export interface AffinityOptions {
  /**
   * 'cosine' (default): A_ij = max(0, cos(x_i, x_j)), diagonal 1 — the modularity loss's affinity (method notes §3);
   * 'rbf': exp(−gamma ‖x_i − x_j‖²) (sklearn SpectralClustering's default);
   * 'knn': symmetrized k-nearest-neighbour connectivity, self included (sklearn's 'nearest_neighbors').
   */
  affinity?: AffinityKind;
  /** RBF width (default 1.0, sklearn). */
  gamma?: number;
  /** Neighbours for 'knn' (default 10, sklearn). */
  nNeighbors?: number;
}

export interface SpectralOptions extends AffinityOptions, KMeansOptions {}

export interface SpectralResult {
  labels: Int32Array;
  /** The k largest eigenvalues of D^-1/2 A D^-1/2. */
  eigenvalues: Float64Array;
  /** n × k row-normalized spectral embedding that k-means clustered. */
  embedding: Float64Array;
}

/** The n × n affinity matrix of the points (row-major). */
export function affinityMatrix(points: PointsLike, options: AffinityOptions = {}): Float64Array {
  const p = toPoints(points, 'affinity');
  const { affinity = 'cosine', gamma = 1, nNeighbors = 10 } = options;
  const n = p.rows;
  if (affinity === 'cosine') return cosineAffinity(p);
  if (affinity === 'rbf') {
    const D = squaredDistances(p);
    for (let i = 0; i < D.length; i++) D[i] = Math.exp(-gamma * D[i]);
    return D;
  }
  if (affinity === 'knn') {
    if (!Number.isInteger(nNeighbors) || nNeighbors < 1)
      throw new AcsegError('BAD_CONFIG', `affinity: nNeighbors must be a positive integer, got ${nNeighbors}`);
    const D = squaredDistances(p);
    const A = new Float64Array(n * n);
    const m = Math.min(nNeighbors, n);
    const idx = Array.from({ length: n }, (_, j) => j);
    for (let i = 0; i < n; i++) {
      // Self first (distance 0), then by distance; ties by index.
      const order = idx.slice().sort((a, b) => (a === i ? -1 : b === i ? 1 : D[i * n + a] - D[i * n + b] || a - b));
      for (let t = 0; t < m; t++) {
        const j = order[t];
        A[i * n + j] += 0.5;
        A[j * n + i] += 0.5;
      }
    }
    return A;
  }
  throw new AcsegError('BAD_CONFIG', `affinity: unknown kind "${String(affinity)}" (${AFFINITY_KINDS.join(', ')})`);
}

function cosineAffinity(p: Points): Float64Array {
  const n = p.rows;
  const A = gram(p);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(A[i * n + i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const den = norms[i] * norms[j];
      A[i * n + j] = i === j ? (norms[i] > 0 ? 1 : 0) : den > 0 ? Math.max(0, A[i * n + j] / den) : 0;
    }
  }
  return A;
}

/**
 * Spectral clustering (Ng, Jordan & Weiss 2001): affinity A, normalized
 * M = D^-1/2 A D^-1/2, its k leading eigenvectors as columns, rows scaled to
 * unit length, then k-means (k-means++, nInit starts) on the rows.
 */
export function spectralClustering(points: PointsLike, k: number, options: SpectralOptions = {}): SpectralResult {
  const p = toPoints(points, 'spectral');
  if (!Number.isInteger(k) || k < 1) throw new AcsegError('BAD_CONFIG', `spectral: k must be a positive integer, got ${k}`);
  if (k > p.rows) throw new AcsegError('BAD_INPUT', `spectral: k = ${k} exceeds the number of points (${p.rows})`);
  const A = affinityMatrix(p, options);
  return spectralFromAffinity(A, p.rows, k, options);
}

/** Spectral clustering of a precomputed n × n symmetric non-negative affinity. */
export function spectralFromAffinity(A: Float64Array, n: number, k: number, options: KMeansOptions = {}): SpectralResult {
  const dinv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j];
    // An isolated point (degree 0) stays isolated: its row of M is zero.
    dinv[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = dinv[i] * A[i * n + j] * dinv[j];
  const { values, vectors } = topEigenpairs(M, n, k, options.seed ?? 0);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += vectors[i * k + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < k; j++) vectors[i * k + j] *= inv;
  }
  const { labels } = kmeans({ rows: n, cols: k, data: vectors }, k, options);
  return { labels, eigenvalues: values, embedding: vectors };
}
