/**
 * Parsing of `fabric-bft-sim size` arguments into sizing parameters. Every bad value is
 * a `UsageError` with one line naming the flag, the value and what it takes.
 */
import { ENDORSEMENT_POLICIES, SIZING_DEFAULTS, type EndorsementPolicy, type SizingParams } from './model.ts';

/**
 * Default CPU cost of one consensus message: about one ECDSA P-256 signature check in Go
 * (~0.1 ms). An assumption, stated in the output; pass your own with --cpu-per-message.
 */
export const DEFAULT_CPU_PER_MESSAGE_MS = 0.1;

/**
 * Default mean time to repair a crashed orderer: an assumption (a VM or pod replaced and
 * caught up within the hour), stated in the output; pass your own with --node-mttr. With
 * the node availability it gives how often the leader crashes.
 */
export const DEFAULT_NODE_MTTR_MS = 3_600_000;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface SizeArgs {
  readonly params: SizingParams;
  /** One-way in-zone latency is half of this round-trip time. */
  readonly rttInZoneMs: number;
  readonly rttAcrossZonesMs: number;
  /** CPU cost of handling one consensus message on an orderer (signature checks), ms. */
  readonly cpuPerMessageMs: number;
  /** Mean time to repair a crashed orderer, ms (how often the leader crashes, with the node availability). */
  readonly nodeMttrMs: number;
  /** `--report FILE.html`: the sizing page with its plots. */
  readonly reportPath: string | undefined;
  readonly seed: number;
  readonly json: boolean;
  /** Run the simulator for the measured columns (off: math only). */
  readonly measure: boolean;
  /** Run the Raft vs SmartBFT comparison instead of the sizing table. */
  readonly raftVsBft: boolean;
  readonly help: boolean;
}

export const SIZE_USAGE = `usage: fabric-bft-sim size [--orderers 4,7,10,13] [--zones N | --placement 3,2,2]
         [--rtt-in-zone 1ms] [--rtt-across-zones 30ms] [--cpu-per-message 0.1ms] [--node-availability 0.999]
         [--node-mttr 1h] [--zone-availability 0.9999] [--peer-availability P] [--peers-per-org 1,2]
         [--orgs 3] [--policy MAJORITY|ANY|ALL] [--tolerate F] [--survive-zone-loss] [--seed N]
         [--no-measure] [--json] [--report sizing.html]
       fabric-bft-sim size --raft-vs-bft [--orderers 4] [--seed N] [--json]`;

const FLAGS_WITH_VALUE = new Set([
  '--orderers',
  '--zones',
  '--placement',
  '--rtt-in-zone',
  '--rtt-across-zones',
  '--cpu-per-message',
  '--node-availability',
  '--zone-availability',
  '--peer-availability',
  '--peers-per-org',
  '--orgs',
  '--policy',
  '--tolerate',
  '--seed',
  '--node-mttr',
  '--report',
]);
const BOOLEAN_FLAGS = new Set(['--survive-zone-loss', '--json', '--no-measure', '--raft-vs-bft', '--help', '-h']);

function intList(flag: string, v: string): number[] {
  const parts = v.split(',');
  const out = parts.map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  if (out.some((n) => !Number.isSafeInteger(n))) throw new UsageError(`${flag} takes comma-separated whole numbers (e.g. 4,7,10), got "${v}"`);
  return out;
}

function int(flag: string, v: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${flag} takes a whole number, got "${v}"`);
  return Number(v);
}

function probability(flag: string, v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`${flag} takes a probability from 0 to 1 (e.g. 0.999), got "${v}"`);
  return x;
}

/** `30ms`, `1.5ms`, `2s`, `10m`, `1h`, or a bare number of milliseconds. */
export function parseDurationMs(flag: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (m === null) throw new UsageError(`${flag} takes a duration like 1ms, 30ms or 2s, got "${v}"`);
  const x = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
  return x * unit;
}

/** Parse argv (after `size`). Throws UsageError on the first bad flag or value. */
export function parseSizeArgs(argv: readonly string[]): SizeArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const name = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (values.has(name) || flags.has(name)) throw new UsageError(`${name} is given twice`);
    if (FLAGS_WITH_VALUE.has(name)) {
      const v = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || (v.startsWith('--') && eq < 0)) throw new UsageError(`${name} needs a value`);
      values.set(name, v);
    } else if (BOOLEAN_FLAGS.has(name)) {
      flags.add(name);
    } else {
      throw new UsageError(`unknown argument "${raw}" (see fabric-bft-sim size --help)`);
    }
  }

  const get = (k: string): string | undefined => values.get(k);
  const placement = get('--placement') !== undefined ? intList('--placement', get('--placement') as string) : undefined;
  const zones = get('--zones') !== undefined ? int('--zones', get('--zones') as string) : undefined;
  if (placement !== undefined && zones !== undefined) throw new UsageError('give either --zones or --placement, not both');
  let orderers = get('--orderers') !== undefined ? intList('--orderers', get('--orderers') as string) : undefined;
  if (orderers === undefined) {
    orderers = placement !== undefined ? [placement.reduce((a, b) => a + b, 0)] : flags.has('--raft-vs-bft') ? [4] : [...SIZING_DEFAULTS.orderers];
  }
  const policyRaw = (get('--policy') ?? SIZING_DEFAULTS.policy).toUpperCase();
  if (!(ENDORSEMENT_POLICIES as readonly string[]).includes(policyRaw)) {
    throw new UsageError(`--policy must be one of ${ENDORSEMENT_POLICIES.join(', ')}, got "${get('--policy') ?? ''}"`);
  }
  const nodeAvailability = get('--node-availability') !== undefined ? probability('--node-availability', get('--node-availability') as string) : SIZING_DEFAULTS.nodeAvailability;
  const params: SizingParams = {
    orderers,
    ...(zones !== undefined ? { zones } : {}),
    ...(placement !== undefined ? { placement } : {}),
    nodeAvailability,
    zoneAvailability: get('--zone-availability') !== undefined ? probability('--zone-availability', get('--zone-availability') as string) : SIZING_DEFAULTS.zoneAvailability,
    peerAvailability: get('--peer-availability') !== undefined ? probability('--peer-availability', get('--peer-availability') as string) : nodeAvailability,
    peersPerOrg: get('--peers-per-org') !== undefined ? intList('--peers-per-org', get('--peers-per-org') as string) : [...SIZING_DEFAULTS.peersPerOrg],
    orgs: get('--orgs') !== undefined ? int('--orgs', get('--orgs') as string) : SIZING_DEFAULTS.orgs,
    policy: policyRaw as EndorsementPolicy,
    tolerate: get('--tolerate') !== undefined ? int('--tolerate', get('--tolerate') as string) : SIZING_DEFAULTS.tolerate,
    surviveZoneLoss: flags.has('--survive-zone-loss'),
  };
  const rttInZoneMs = get('--rtt-in-zone') !== undefined ? parseDurationMs('--rtt-in-zone', get('--rtt-in-zone') as string) : 1;
  const rttAcrossZonesMs = get('--rtt-across-zones') !== undefined ? parseDurationMs('--rtt-across-zones', get('--rtt-across-zones') as string) : 30;
  const cpuPerMessageMs = get('--cpu-per-message') !== undefined ? parseDurationMs('--cpu-per-message', get('--cpu-per-message') as string) : DEFAULT_CPU_PER_MESSAGE_MS;
  const nodeMttrMs = get('--node-mttr') !== undefined ? parseDurationMs('--node-mttr', get('--node-mttr') as string) : DEFAULT_NODE_MTTR_MS;
  if (!(nodeMttrMs > 0)) throw new UsageError(`--node-mttr takes a duration above zero (e.g. 1h or 30m), got "${get('--node-mttr') ?? ''}"`);
  const reportPath = get('--report');
  if (reportPath !== undefined && reportPath.trim() === '') throw new UsageError('--report takes a file name (e.g. sizing.html)');
  const seed = get('--seed') !== undefined ? int('--seed', get('--seed') as string) : 1;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed takes a whole number, got "${get('--seed') ?? ''}"`);
  return {
    params,
    rttInZoneMs,
    rttAcrossZonesMs,
    cpuPerMessageMs,
    nodeMttrMs,
    reportPath,
    seed,
    json: flags.has('--json'),
    measure: !flags.has('--no-measure'),
    raftVsBft: flags.has('--raft-vs-bft'),
    help: flags.has('--help') || flags.has('-h'),
  };
}
