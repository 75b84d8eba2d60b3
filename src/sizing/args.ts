/**
 * `fabric-bft-sim size`'s grammar (src/args) and its arguments as sizing parameters. Every
 * bad value is a `UsageError` with one line naming the flag, the value and what it takes.
 */
import { bool, ints, ms, num, parseArgs, str, UsageError, type CommandSpec } from '../args/grammar.ts';
import { ENDORSEMENT_POLICIES, SIZING_DEFAULTS, type EndorsementPolicy, type SizingParams } from './model.ts';
import { ZONE_DEFAULTS } from '../shared/zones.ts';

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
  /** `--workers N`: threads measuring sizes (undefined: one per core). */
  readonly workers: number | undefined;
  readonly help: boolean;
}

const MAX_ORDERERS = 100;
const MAX_ZONES = 16;

export const SIZE_SPEC: CommandSpec = {
  name: 'size',
  usage: ['[options]', '--raft-vs-bft [--orderers N] [--seed N] [--json]'],
  description:
    'Orderer sizing: for each orderer count, the faults tolerated (f), the quorum (Q), what losing a zone does, availability, and the messages and latency of one decision, measured in the simulator over the zones you give (--no-measure: the math only). Then a recommendation: the smallest count that meets --tolerate (and --survive-zone-loss). Assumptions (CPU per message, time to repair) are stated in the output; pass your own. With --raft-vs-bft, the same faults on Raft and SmartBFT instead (exit 1 if the comparison does not show what it should). docs/sizing.md explains every column.',
  flags: {
    orderers: { type: 'ints', min: 1, max: MAX_ORDERERS, help: 'orderer counts to compare', default: SIZING_DEFAULTS.orderers.join(',') },
    zones: { type: 'int', min: 1, max: MAX_ZONES, help: 'zones the orderers are dealt over round-robin', default: String(SIZING_DEFAULTS.zones) },
    placement: { type: 'ints', min: 0, max: MAX_ORDERERS, help: 'orderers per zone instead of --zones, e.g. 3,2,2 (one orderer count: their sum)' },
    'rtt-in-zone': { type: 'duration', allowZero: true, help: 'round-trip time inside a zone', default: '1ms' },
    'rtt-across-zones': { type: 'duration', allowZero: true, help: 'round-trip time between zones', default: '30ms' },
    'cpu-per-message': { type: 'duration', allowZero: true, help: 'CPU cost of one consensus message on an orderer (about one ECDSA P-256 check)', default: `${DEFAULT_CPU_PER_MESSAGE_MS}ms` },
    'node-availability': { type: 'number', min: 0, max: 1, value: 'P', help: "one orderer's availability", default: String(SIZING_DEFAULTS.nodeAvailability) },
    'node-mttr': { type: 'duration', maxMs: 365 * 24 * 3_600_000, help: 'mean time to repair a crashed orderer (with the availability, how often the leader crashes)', default: '1h' },
    'zone-availability': { type: 'number', min: 0, max: 1, value: 'P', help: "one zone's availability", default: String(SIZING_DEFAULTS.zoneAvailability) },
    'peer-availability': { type: 'number', min: 0, max: 1, value: 'P', help: "one peer's availability", default: 'the node availability' },
    'peers-per-org': { type: 'ints', min: 1, max: 20, help: 'peers per org, for the endorsement table', default: SIZING_DEFAULTS.peersPerOrg.join(',') },
    orgs: { type: 'int', min: 1, max: 50, help: 'orgs', default: String(SIZING_DEFAULTS.orgs) },
    policy: { type: 'string', value: 'MAJORITY|ANY|ALL', expects: 'MAJORITY, ANY or ALL', help: 'endorsement policy', default: SIZING_DEFAULTS.policy },
    tolerate: { type: 'int', min: 0, max: 33, value: 'F', help: 'Byzantine orderers the recommendation must tolerate', default: String(SIZING_DEFAULTS.tolerate) },
    'survive-zone-loss': { type: 'bool', help: 'the recommendation must also go on ordering with any one zone lost' },
    seed: { type: 'int', min: 0, max: 0xffffffff, help: 'seed of the measuring runs', default: '1' },
    'no-measure': { type: 'bool', help: 'the math only: no simulator runs' },
    json: { type: 'bool', help: 'the table and the recommendation as JSON' },
    report: { type: 'string', value: 'FILE.html', expects: 'a file name (e.g. sizing.html)', help: 'also write the sizing page with its plots' },
    'raft-vs-bft': { type: 'bool', help: 'the Raft vs SmartBFT comparison instead of the sizing table (one --orderers N >= 4)' },
    workers: { type: 'int', min: 1, max: 256, help: 'worker threads measuring the sizes; the measured columns are the same for any N', default: 'one per core' },
  },
  examples: ['fabric-bft-sim size', 'fabric-bft-sim size --orderers 4,7,10,13 --zones 4 --tolerate 2 --survive-zone-loss', 'fabric-bft-sim size --placement 3,2,2 --rtt-across-zones 10ms --report sizing.html', 'fabric-bft-sim size --raft-vs-bft --orderers 4'],
};

/** Parse argv (after `size`). Throws UsageError on the first bad flag or value. */
export function parseSizeArgs(argv: readonly string[]): SizeArgs {
  const p = parseArgs(SIZE_SPEC, argv);
  if (p.positionals.length > 0) throw new UsageError(`size: takes no arguments, got "${p.positionals.join(' ')}" (see "fabric-bft-sim size --help")`);
  const placement = ints(p, 'placement');
  const zones = num(p, 'zones');
  if (placement !== undefined && zones !== undefined) throw new UsageError('give either --zones or --placement, not both');
  let orderers = ints(p, 'orderers');
  if (orderers === undefined) {
    orderers = placement !== undefined ? [placement.reduce((a, b) => a + b, 0)] : bool(p, 'raft-vs-bft') ? [4] : [...SIZING_DEFAULTS.orderers];
  }
  const policyGiven = str(p, 'policy');
  const policyRaw = (policyGiven ?? SIZING_DEFAULTS.policy).toUpperCase();
  if (!(ENDORSEMENT_POLICIES as readonly string[]).includes(policyRaw)) {
    throw new UsageError(`--policy must be one of ${ENDORSEMENT_POLICIES.join(', ')}, got "${policyGiven ?? ''}"`);
  }
  const nodeAvailability = num(p, 'node-availability') ?? SIZING_DEFAULTS.nodeAvailability;
  const params: SizingParams = {
    orderers: [...orderers],
    ...(zones !== undefined ? { zones } : {}),
    ...(placement !== undefined ? { placement: [...placement] } : {}),
    nodeAvailability,
    zoneAvailability: num(p, 'zone-availability') ?? SIZING_DEFAULTS.zoneAvailability,
    peerAvailability: num(p, 'peer-availability') ?? nodeAvailability,
    peersPerOrg: [...(ints(p, 'peers-per-org') ?? SIZING_DEFAULTS.peersPerOrg)],
    orgs: num(p, 'orgs') ?? SIZING_DEFAULTS.orgs,
    policy: policyRaw as EndorsementPolicy,
    tolerate: num(p, 'tolerate') ?? SIZING_DEFAULTS.tolerate,
    surviveZoneLoss: bool(p, 'survive-zone-loss'),
  };
  return {
    params,
    rttInZoneMs: ms(p, 'rtt-in-zone') ?? ZONE_DEFAULTS.rttInZoneMs,
    rttAcrossZonesMs: ms(p, 'rtt-across-zones') ?? ZONE_DEFAULTS.rttAcrossZonesMs,
    cpuPerMessageMs: ms(p, 'cpu-per-message') ?? DEFAULT_CPU_PER_MESSAGE_MS,
    nodeMttrMs: ms(p, 'node-mttr') ?? DEFAULT_NODE_MTTR_MS,
    reportPath: str(p, 'report'),
    seed: num(p, 'seed') ?? 1,
    json: bool(p, 'json'),
    measure: !bool(p, 'no-measure'),
    raftVsBft: bool(p, 'raft-vs-bft'),
    workers: num(p, 'workers'),
    help: p.help,
  };
}
