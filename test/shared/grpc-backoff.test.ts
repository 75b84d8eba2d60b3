/**
 * src/shared/grpc-backoff.ts: grpc-go internal/backoff `Exponential.Backoff(retries)` with the
 * orderers' cluster configuration (orderer/common/server/main.go initializeClusterClientConfig,
 * internal/pkg/comm/config.go DialOptions: Jitter 0.2), and the cap as a topology option.
 */
import { describe, expect, it } from 'vitest';
import { backoffMaxDelayMs, grpcBackoffMs, ORDERER_CLUSTER_BACKOFF, ordererClusterBackoff } from '../../src/shared/grpc-backoff.ts';

/** The middle of the jitter: random() = 0.5 draws a factor of exactly 1. */
const mid = (): number => 0.5;

describe('the orderers\' cluster back-off and its cap', () => {
  it("Backoff(r): BaseDelay at r = 0, then x1.6 a retry up to MaxDelay (net up's 3s)", () => {
    expect([0, 1, 2, 3, 4].map((r) => grpcBackoffMs(r, mid, ORDERER_CLUSTER_BACKOFF))).toEqual([1_000, 1_600, 2_560, 3_000, 3_000]);
  });

  it("with Fabric's sampleconfig MaxDelay 2m the waits grow to 2 min (10 retries: 1.6^10 s = 110 s, then the cap)", () => {
    const b = ordererClusterBackoff(120_000);
    expect([1, 5, 10, 11, 30].map((r) => grpcBackoffMs(r, mid, b))).toEqual([1_600, 10_486, 109_951, 120_000, 120_000]);
    // The jitter moves the capped wait by 20% either way.
    expect(grpcBackoffMs(30, () => 0, b)).toBe(96_000);
    expect(ordererClusterBackoff(3_000)).toBe(ORDERER_CLUSTER_BACKOFF);
  });

  it('the cap as written: a Go duration, at least BaseDelay 1s, at most 24h', () => {
    expect(backoffMaxDelayMs('3s')).toEqual({ ms: 3_000 });
    expect(backoffMaxDelayMs('2m0s')).toEqual({ ms: 120_000 });
    expect(backoffMaxDelayMs('1s')).toEqual({ ms: 1_000 });
    expect(backoffMaxDelayMs('24h')).toEqual({ ms: 86_400_000 });
    expect(backoffMaxDelayMs('999ms')).toEqual({ error: "999ms is shorter than the back-off's BaseDelay 1s: gRPC's first redial waits 1s whatever the cap" });
    expect(backoffMaxDelayMs('24h1s')).toEqual({ error: '24h1s is longer than the limit of 24h' });
    expect(backoffMaxDelayMs(3)).toEqual({ error: 'expected a Go duration such as 3s or 2m0s (orderer.yaml General.Backoff.MaxDelay), got 3' });
  });
});
