/**
 * gRPC's reconnect back-off, one formula for every gRPC client the model has: the Gateway's
 * connections to the orderers (src/sim/fabric/gateway.ts) and the orderers' cluster
 * connections to each other (the kernel's dial back-off, src/sim/kernel/simulation.ts).
 *
 * grpc-go internal/backoff `Exponential.Backoff(retries)`: retry 0 waits BaseDelay exactly;
 * retry r > 0 waits BaseDelay x Multiplier^r, capped at MaxDelay, times a jitter factor
 * drawn uniformly from [1 - Jitter, 1 + Jitter). A connection that becomes READY starts
 * again at retry 0 (clientconn.go addrConn `backoffIdx = 0`).
 *
 * Two configurations matter here:
 * - grpc-go's default (`backoff.DefaultConfig`: 1 s, x1.6, jitter 0.2, 120 s), which the
 *   Gateway's orderer connections get (internal/pkg/gateway/endpoint.go newConnection sets
 *   no back-off);
 * - the orderer's cluster client (orderer/common/server/main.go initializeClusterClientConfig):
 *   when orderer.yaml's `General.Backoff` sets any field, Fabric's DefaultBackoffOptions
 *   (1 s, x1.6, 2 min) overridden by those fields, and internal/pkg/comm/config.go
 *   DialOptions turns them into gRPC ConnectParams with Jitter 0.2. sampleconfig/orderer.yaml
 *   sets BaseDelay 1s, Multiplier 1.6, MaxDelay 2m; `net up` (src/local/plan.ts) sets
 *   ORDERER_GENERAL_BACKOFF_MAXDELAY=3s, as Fabric's own smartbft integration test does.
 *
 * Pure: the caller passes the random draw (its own seeded stream).
 */

export interface GrpcBackoff {
  readonly baseMs: number;
  readonly multiplier: number;
  /** Fraction of the delay the jitter moves it either way (0.2: +-20%). */
  readonly jitter: number;
  readonly maxMs: number;
}

/** grpc-go's `backoff.DefaultConfig`. */
export const GRPC_DEFAULT_BACKOFF: GrpcBackoff = Object.freeze({ baseMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 120_000 });

/**
 * The orderers' cluster connections as `net up` runs them: orderer.yaml's General.Backoff
 * (BaseDelay 1s, Multiplier 1.6) with ORDERER_GENERAL_BACKOFF_MAXDELAY=3s.
 */
export const ORDERER_CLUSTER_BACKOFF: GrpcBackoff = Object.freeze({ baseMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 3_000 });

/** The wait before retry `attempt` (0 = the first retry after a failed dial), in whole ms. */
export function grpcBackoffMs(attempt: number, random: () => number, b: GrpcBackoff = GRPC_DEFAULT_BACKOFF): number {
  if (attempt === 0) return b.baseMs;
  let d = b.baseMs;
  for (let r = attempt; d < b.maxMs && r > 0; r--) d *= b.multiplier;
  d = Math.min(d, b.maxMs);
  return Math.max(0, Math.round(d * (1 + b.jitter * (random() * 2 - 1))));
}
