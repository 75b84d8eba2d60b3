/**
 * Quorum math and the leader of a view: shared words of the BFT model, the Fabric model
 * (the gateway's `computeBFTQuorum` in internal/pkg/gateway/submit.go is a copy of
 * SmartBFT's), the scenarios, the report, sizing and the playground. A leaf module.
 *
 * Quorum math, exactly as SmartBFT's `computeQuorum` (internal/bft/util.go).
 *
 *   f = floor((n - 1) / 3)        Byzantine (or crash) faults tolerated
 *   Q = ceil((n + f + 1) / 2)     quorum size
 *
 * Q is the smallest size for which any two quorums intersect in at least f + 1 nodes:
 * |Q1 ∩ Q2| >= 2Q - n >= (n + f + 1) - n = f + 1, so every two quorums share at least
 * one honest node, which is why two conflicting decisions cannot both gather a quorum.
 * For n = 3f + 1 and n = 3f + 2, Q = n - f. For n = 3f + 3, Q = n - f - 1 (n = 6: f = 1,
 * Q = 4): the quorum math needs fewer votes than the live nodes, but f is the same as at
 * 3f + 1, so the extra nodes buy no extra fault tolerance.
 */
export interface Quorum {
  readonly n: number;
  /** Faults tolerated. */
  readonly f: number;
  /** Quorum size Q. */
  readonly q: number;
  /** Weak certificate size f + 1 (at least one honest node). */
  readonly weak: number;
}

export function computeQuorum(n: number): Quorum {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`computeQuorum: the number of nodes must be an integer >= 1, got ${String(n)}`);
  }
  const f = Math.floor((n - 1) / 3);
  const q = Math.ceil((n + f + 1) / 2);
  return { n, f, q, weak: f + 1 };
}

/** The least number of nodes two quorums of size q out of n must share. */
export function quorumIntersection(n: number): number {
  const { q } = computeQuorum(n);
  return 2 * q - n;
}

/**
 * The leader of view `view` among `consenters`, given in consenter order (sorted by
 * consenter id, so index 0 is consenter 1): `consenters[view mod n]`, the consenter with
 * id (view mod n) + 1. This is SmartBFT's `getLeaderID` (internal/bft/util.go) with leader
 * rotation off, which Fabric forces (configtxgen's encoder.go; configverifier.go rejects
 * ROTATION_ON).
 */
export function leaderOfView<T>(consenters: readonly T[], view: number): T {
  if (consenters.length === 0) throw new RangeError('leaderOfView: there are no consenters');
  return consenters[view % consenters.length] as T;
}
