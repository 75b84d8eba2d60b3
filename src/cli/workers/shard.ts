/**
 * `--shard K/N`: a deterministic slice of a run's indices. Shard K (counted from 0, as
 * Kubernetes counts JOB_COMPLETION_INDEX) of N takes the indices i with i mod N = K, so
 * the N shards are disjoint, their union is the whole run, and each one gets a mix of
 * early and late indices (a sweep's rows get costlier with the orderer count).
 */
import { UsageError } from '../io.ts';

export interface Shard {
  /** 0 .. count-1. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** `3/10` -> { index: 3, count: 10 }; anything else is a one-line UsageError. */
export function parseShard(command: string, raw: string): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(raw);
  if (m === null) throw new UsageError(`${command}: --shard expects K/N (shard K of N, K from 0 to N-1), got "${raw}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`${command}: --shard ${raw}: N must be at least 1`);
  if (index >= count) throw new UsageError(`${command}: --shard ${raw}: K counts from 0 to N-1 (as JOB_COMPLETION_INDEX does), so K must be below ${count}`);
  return { index, count };
}

/** The indices of `0 .. total-1` this shard runs, in increasing order. */
export function shardIndices(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < total; i += shard.count) out.push(i);
  return out;
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
