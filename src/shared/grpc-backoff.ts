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
 * The cap of the orderers' back-off is a topology option (`ordererBackoffMaxDelay`, default
 * `net up`'s 3s) and a `net up` flag (`--backoff-max-delay`): {@link backoffMaxDelayMs} checks
 * it for both, {@link ordererClusterBackoff} makes the back-off of a cap.
 *
 * Pure: the caller passes the random draw (its own seeded stream).
 */
import { goDurationMs } from './duration.ts';


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

/** `net up`'s ORDERER_GENERAL_BACKOFF_MAXDELAY, the model's default cap. */
export const NET_UP_BACKOFF_MAX_DELAY = '3s';
/**
 * The cap Fabric runs with when orderer.yaml is left as shipped: sampleconfig/orderer.yaml
 * `General.Backoff.MaxDelay: 2m`, also comm.DefaultBackoffOptions' (internal/pkg/comm/config.go).
 */
export const FABRIC_BACKOFF_MAX_DELAY = '2m0s';
/**
 * Bounds of the cap. At least BaseDelay (1 s): grpc-go's first retry waits BaseDelay whatever
 * the cap, so a smaller cap would not bound the wait it names. At most 24 h, a scenario's
 * longest duration.
 */
export const BACKOFF_MAX_DELAY_LIMITS_MS = Object.freeze({ min: 1_000, max: 24 * 3_600_000 });

/**
 * A cap as written (a Go duration, since `net up` hands it to the orderer as
 * ORDERER_GENERAL_BACKOFF_MAXDELAY): its milliseconds, or why it is not one, in one line
 * without a prefix.
 */
export function backoffMaxDelayMs(text: unknown): { ms: number } | { error: string } {
  const ms = typeof text === 'string' ? goDurationMs(text) : undefined;
  if (ms === undefined) return { error: `expected a Go duration such as 3s or 2m0s (orderer.yaml General.Backoff.MaxDelay), got ${typeof text === 'string' ? `"${text}"` : JSON.stringify(text) ?? String(text)}` };
  const { min, max } = BACKOFF_MAX_DELAY_LIMITS_MS;
  if (ms < min) return { error: `${text as string} is shorter than the back-off's BaseDelay 1s: gRPC's first redial waits 1s whatever the cap` };
  if (ms > max) return { error: `${text as string} is longer than the limit of 24h` };
  return { ms };
}

/** The orderers' cluster back-off (BaseDelay 1 s, x1.6, jitter 0.2) with MaxDelay `maxMs`. */
export function ordererClusterBackoff(maxMs: number): GrpcBackoff {
  return maxMs === ORDERER_CLUSTER_BACKOFF.maxMs ? ORDERER_CLUSTER_BACKOFF : Object.freeze({ ...ORDERER_CLUSTER_BACKOFF, maxMs });
}

/** The wait before retry `attempt` (0 = the first retry after a failed dial), in whole ms. */
export function grpcBackoffMs(attempt: number, random: () => number, b: GrpcBackoff = GRPC_DEFAULT_BACKOFF): number {
  if (attempt === 0) return b.baseMs;
  let d = b.baseMs;
  for (let r = attempt; d < b.maxMs && r > 0; r--) d *= b.multiplier;
  d = Math.min(d, b.maxMs);
  return Math.max(0, Math.round(d * (1 + b.jitter * (random() * 2 - 1))));
}
