/**
 * The scenario file format (YAML or JSON), its types and its validation.
 *
 * A scenario is data: `name`, `description`, `topology`, `seed`, `steps`. Each step is
 * an object with exactly one operation key (`issue`, `stop`, `waitFor`...) plus optional
 * `name`, `save` (keep the step's value under a variable) and `expect` (checked against
 * the step's value). Structure is checked with zod; meaning (node names against the
 * topology, durations, `$references` to saved values, expect operators) by the checks
 * below. The first problem is reported in one line:
 *
 *   kill.yaml:14:11: steps[3].stop: unknown node "orderer.dataforg" (did you mean orderer.dataforge?)
 */
import { z } from 'zod';
import { LIMITS, intIn, node } from './fields.ts';
import { OPERATIONS, OPERATION_TABLE, type CheckContext, type NodeKind, type OpName, type Operations } from './operations.ts';
import type { TopologyInfo } from './cluster.ts';
import { describeValue, parseDuration } from './duration.ts';
import { parsePattern } from './pattern.ts';
import { closest, didYouMean } from './suggest.ts';
import { SELECTORS } from './selectors.ts';
import { parsePolicy } from '../sim/fabric/policy.ts';
import { describeTopology, type TopologySpec } from './topology.ts';
import { FABRIC_BACKOFF_MAX_DELAY, NET_UP_BACKOFF_MAX_DELAY, backoffMaxDelayMs } from '../shared/grpc-backoff.ts';
import { MAX_ZONES, ZONE_DEFAULTS as ZONE_RTT_DEFAULTS, ZONE_NAME_RE, zoneNames } from '../shared/zones.ts';
import { SCENARIO_SMARTBFT_DEFAULTS, optionKind, scenarioSmartBftProblems, type ScenarioSmartBftName } from '../sim/smartbft/options.ts';

// ---------------------------------------------------------------------------------------
// Types: the document as written (durations stay strings, so a scenario can be written back).

export { OPERATIONS, type Duration, type IssueArgs, type NodeRef, type Operations, type OpName, type WaitForArgs } from './operations.ts';
export { LIMITS } from './fields.ts';

/** The fields every step may have besides its operation. */
export interface StepCommon {
  /** Shown in the step table (default: the operation described). */
  readonly name?: string;
  /** Keep the step's value as `$name` for later steps (`$name.field`). */
  readonly save?: string;
  /** What the value must match: fields to compare, or operators (`gt`, `gte`, `lt`, `lte`, `equals`, `matches`). */
  readonly expect?: unknown;
}

/** One step: one operation key plus the common fields. */
export type Step = { [K in OpName]: StepCommon & { readonly [P in K]: Operations[K] } }[OpName];

/**
 * A scenario document: the format of scenario files (YAML or JSON; see
 * scenario.schema.json), of the built-ins and of {@link scheduleArbitrary}'s schedules.
 * Check one with {@link validateScenario}, read one with {@link parseScenario}, write one
 * with {@link scenarioToYaml}.
 */
export interface Scenario {
  /** Letters, digits, dots, dashes and underscores. */
  readonly name: string;
  readonly description?: string;
  /** The network (default: the CertChain lab's, 4 orderers and three orgs with one peer each). */
  readonly topology?: TopologySpec;
  /** The run's seed when none is given on the command line (default 1). */
  readonly seed?: number;
  /** What happens, in order: each step is one operation ({@link Operations}) plus `name`, `save`, `expect`. */
  readonly steps: readonly Step[];
  /**
   * The lab's expectations this run must meet (a failed one fails the run): `convergence`
   * (every running peer reaches the orderers' height), `state` (each running peer's state
   * database equals the fold of its ledger). Without it a failed expectation is a warning:
   * Fabric itself may leave a peer behind or its state lost (see {@link EXPECTATIONS}).
   */
  readonly expectations?: readonly Expectation[];
}

/**
 * The run-level checks that are expectations of the lab, not invariants of Fabric: Fabric
 * does not rebuild a dropped state database by itself (state), and a 2.x gossip follower
 * without state transfer never catches up (convergence).
 */
export const EXPECTATIONS = ['convergence', 'state'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

const COMMON_KEYS = ['name', 'save', 'expect'] as const;

// The selector names are declared once, where they are resolved (selectors.ts).
export { SELECTORS };

export const EXPECT_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'equals', 'matches'] as const;

/** The operation of a validated step. */
export function opOf(step: Step): OpName {
  for (const op of OPERATIONS) if (op in step) return op;
  throw new Error('opOf: the step has no operation (was it validated?)');
}

/** The argument of a validated step's operation. */
export function argOf<K extends OpName>(step: Step, op: K): Operations[K] {
  return (step as unknown as Record<string, unknown>)[op] as Operations[K];
}

// ---------------------------------------------------------------------------------------
// Errors

export type PathSegment = string | number;

/** Most problems one error lists; the rest are counted ("... and 3 more"). */
export const MAX_PROBLEMS_SHOWN = 10;

export interface ProblemWhere {
  readonly path?: readonly PathSegment[];
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
}

/** `kill.yaml:14:11: steps[3].stop: unknown node ...` (as much of the position as is known). */
export function problemLine(detail: string, where: ProblemWhere = {}): string {
  const path = where.path ?? [];
  const pos = where.line !== undefined ? `${where.file ?? 'scenario'}:${where.line}:${where.col ?? 1}: ` : where.file !== undefined ? `${where.file}: ` : '';
  const at = path.length > 0 ? `${formatPath(path)}: ` : '';
  return `${pos}${at}${detail}`;
}

/**
 * A problem with a scenario, at a path; `line`/`col` when it came from a YAML/JSON text.
 * The message's first line is the first problem; `others` (already formatted, see
 * `problemLine`) follow one per line, up to MAX_PROBLEMS_SHOWN in all, then "... and N more".
 */
export class ScenarioError extends Error {
  readonly path: readonly PathSegment[];
  readonly detail: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly col: number | undefined;
  /** How many problems after the first. */
  readonly more: number;

  constructor(detail: string, where: ProblemWhere & { readonly others?: readonly string[] } = {}) {
    const others = where.others ?? [];
    const shown = others.slice(0, MAX_PROBLEMS_SHOWN - 1);
    const hidden = others.length - shown.length;
    super([problemLine(detail, where), ...shown, ...(hidden > 0 ? [`... and ${hidden} more`] : [])].join('\n'));
    const path = where.path ?? [];
    this.name = 'ScenarioError';
    this.path = path;
    this.detail = detail;
    this.file = where.file;
    this.line = where.line;
    this.col = where.col;
    this.more = others.length;
  }
}

/** `['steps', 3, 'stop']` -> `steps[3].stop` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** One problem found by validation. `at: 'key'` points at the key itself (unknown keys). */
export interface Issue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly at?: 'key' | 'value';
}

// ---------------------------------------------------------------------------------------
// Structure (zod)

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ORG_RE = /^(?!ordering$)[a-z][a-z0-9-]*$/;
const VAR_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const TopologySchema = z.strictObject({
  preset: z.literal('certchain').optional(),
  orderers: intIn(1, LIMITS.orderers).optional(),
  peersPerOrg: intIn(1, LIMITS.peersPerOrg).optional(),
  orgs: z
    .array(z.string().regex(ORG_RE, { error: 'an org name is lower-case letters, digits and dashes (and not "ordering", the ordering org)' }))
    .min(1)
    .max(LIMITS.orgs)
    .optional(),
  consensus: z.enum(['smartbft', 'raft']).optional(),
  dissemination: z.enum(['deliver', 'gossip']).optional(),
  policy: z.string().min(1).max(500).optional(),
  ordererBackoffMaxDelay: z
    .string()
    .meta({
      description: `orderer.yaml General.Backoff.MaxDelay: the cap of the back-off with which an orderer redials another that refused its dial, a Go duration from 1s to 24h (default ${NET_UP_BACKOFF_MAX_DELAY}, as fabric-bft-sim net up sets it; Fabric's sampleconfig ${FABRIC_BACKOFF_MAX_DELAY})`,
    })
    .optional(),
  profile: z.string().min(1).max(1000).meta({ description: 'a calibration profile (JSON written by fabric-bft-sim calibrate) whose measured costs the simulator uses; default: the built-in profile' }).optional(),
  gossip: z
    .strictObject({
      orgLeader: z.enum(['all', 'peer0', 'election']).optional(),
      stateTransfer: z.boolean().optional(),
      blockGossip: z.boolean().optional(),
    })
    .optional(),
  smartbft: z
    .strictObject(
      Object.fromEntries(
        (Object.keys(SCENARIO_SMARTBFT_DEFAULTS) as ScenarioSmartBftName[]).map((k) => {
          const kind = optionKind(k);
          const t = kind === 'boolean' ? z.boolean() : kind === 'count' ? z.number() : z.string();
          return [k, t.optional().meta({ description: kind === 'duration' ? `a Go duration such as 500ms, 10s, 1m30s (Fabric's default ${String(SCENARIO_SMARTBFT_DEFAULTS[k])})` : `Fabric's default ${String(SCENARIO_SMARTBFT_DEFAULTS[k])}` })];
        }),
      ),
    )
    .optional()
    .meta({ description: "SmartBFT options by Fabric's names (configtx.yaml Orderer.SmartBFT), checked as SmartBFT's Configuration.Validate() does." }),
});

/** `topology.zones` as editors see it; validated by `zoneIssues` (one message per problem, with its place). */
const ZonesSchema = z
  .union([
    z.number().meta({ type: 'integer', minimum: 1, maximum: MAX_ZONES, description: `orderers dealt round-robin over zone1..zoneN in consenter order (as size --zones N); org k's peers in zone (k mod N)+1` }),
    z.record(z.string().regex(ZONE_NAME_RE), z.array(node).min(1)).meta({ description: "zone name -> its orderers and peers; every orderer named once; a peer not named sits with its org's orderer" }),
  ])
  .meta({ description: 'Zones of the network, as fabric-bft-sim size has them: a count or zone name -> nodes. stopZone / startZone lose a zone and bring it back.' });
const rtt = (what: string, dflt: number) => z.string().meta({ description: `round-trip time ${what}, a duration such as ${dflt}ms (default ${dflt}ms, as fabric-bft-sim size); with zones only` });

const TopologyFields = {
  ...TopologySchema.shape,
  zones: z.unknown().optional(),
  rttInZone: z.unknown().optional(),
  rttAcrossZones: z.unknown().optional(),
};
const TopologyCheckSchema = z.strictObject(TopologyFields);
const TopologyDocumentSchema = z.strictObject({
  ...TopologySchema.shape,
  zones: ZonesSchema.optional(),
  rttInZone: rtt('between two nodes of one zone', ZONE_RTT_DEFAULTS.rttInZoneMs).optional(),
  rttAcrossZones: rtt('between nodes of two zones', ZONE_RTT_DEFAULTS.rttAcrossZonesMs).optional(),
});

const TopLevelSchema = z.strictObject({
  name: z.string().regex(NAME_RE, { error: 'a scenario name is letters, digits, dots, dashes and underscores' }).max(80),
  description: z.string().max(4000).optional(),
  topology: TopologyCheckSchema.optional(),
  seed: intIn(0, 0xffffffff).optional(),
  steps: z.array(z.unknown()).min(1, { error: 'a scenario needs at least one step' }).max(LIMITS.steps),
  expectations: z
    .array(z.enum(EXPECTATIONS))
    .max(EXPECTATIONS.length)
    .optional()
    .meta({ description: 'Lab expectations that fail the run when they do not hold (convergence, state); otherwise they are warnings.' }),
});

const CommonSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  save: z.string().regex(VAR_RE, { error: 'a variable name is letters, digits, _ and -, starting with a letter or _' }).optional(),
});

/**
 * The scenario format as one zod schema: the structure only, for editors (its JSON
 * Schema is `fabric-bft-sim schema` and scenario.schema.json). `validateScenario` checks
 * the same structure step by step, and then what a schema cannot say: node names against
 * the topology, `$references` to earlier saves, durations, expectations.
 */
export const ScenarioDocumentSchema = TopLevelSchema.extend({
  topology: TopologyDocumentSchema.optional(),
  steps: z
    .array(
      z.union(
        OPERATIONS.map((op) =>
          CommonSchema.extend({ expect: z.unknown().optional().meta({ description: 'What the step must return: fields to match, or operators (gt, gte, lt, lte, equals, matches).' }), [op]: OPERATION_TABLE[op].schema }).meta({
            title: op,
            description: OPERATION_TABLE[op].summary,
          }),
        ),
      ),
    )
    .min(1)
    .max(LIMITS.steps),
}).meta({ title: 'fabric-bft-sim scenario', description: 'A fault scenario: a topology, a seed and steps. Runs in the simulator (fabric-bft-sim run FILE) and against a real cluster (fabric-bft-sim live FILE).' });

/**
 * The JSON Schema (draft-07, what YAML and JSON editors read) of a scenario file,
 * generated from the zod schema the validator uses (structure only).
 *
 * @example
 * ```yaml
 * # yaml-language-server: $schema=./scenario.schema.json
 * ```
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioDocumentSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
};

/** The keys a zod object schema knows at `rel` (for "did you mean"). */
function keysAt(schema: z.ZodType, rel: readonly PathSegment[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const seg of rel) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodObject && typeof seg === 'string') s = (s.shape as Record<string, z.ZodType>)[seg];
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else return [];
  }
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** zod's issues, in our words. `base` is the path of the value zod checked. */
function fromZod(error: z.ZodError, value: unknown, base: readonly PathSegment[], schema: z.ZodType): Issue[] {
  const out: Issue[] = [];
  const misspelt: string[] = [];
  for (const i of error.issues) {
    const rel = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = [...base, ...rel];
    const got = valueAt(value, rel);
    switch (i.code) {
      case 'unrecognized_keys': {
        const known = keysAt(schema, rel);
        for (const k of i.keys) {
          const meant = closest(k, known);
          // The key it was meant to be is then "missing" too: one problem, not two.
          if (meant !== undefined) misspelt.push(formatPath([...path, meant]));
          out.push({ path: [...path, k], message: `unknown key "${k}"${didYouMean(k, known)}${known.length > 0 ? ` (expected ${known.join(', ')})` : ''}`, at: 'key' });
        }
        break;
      }
      case 'custom':
        out.push({ path, message: `${i.message}, got ${describeValue(got)}` });
        break;
      case 'invalid_type':
        out.push({
          path,
          message: got === undefined ? `is required (${TYPE_NAMES[i.expected] ?? i.expected})` : `expected ${TYPE_NAMES[i.expected] ?? i.expected}, got ${describeValue(got)}`,
        });
        break;
      case 'invalid_value':
        out.push({
          path,
          message:
            i.values.length === 1
              ? `expected ${JSON.stringify(i.values[0])}, got ${describeValue(got)}`
              : `expected one of ${i.values.map((v) => String(v)).join(', ')}, got ${describeValue(got)}`,
        });
        break;
      case 'too_small':
        out.push({
          path,
          message:
            i.message.startsWith('Too small') || i.message.startsWith('Invalid')
              ? i.origin === 'array'
                ? `needs at least ${String(i.minimum)} item${Number(i.minimum) === 1 ? '' : 's'}`
                : `must be at least ${String(i.minimum)}, got ${describeValue(got)}`
              : i.message,
        });
        break;
      case 'too_big':
        out.push({
          path,
          message:
            i.message.startsWith('Too big') || i.message.startsWith('Invalid')
              ? i.origin === 'array'
                ? `has more than ${String(i.maximum)} items`
                : `must be at most ${String(i.maximum)}, got ${describeValue(got)}`
              : i.message,
        });
        break;
      default:
        out.push({ path, message: i.message });
    }
  }
  return out.filter((i) => !(misspelt.includes(formatPath(i.path)) && i.message.startsWith('is required')));
}

// ---------------------------------------------------------------------------------------
// Meaning

export interface ValidateOptions {
  /** Node ids to check names against; default: the ones the scenario's own topology names. */
  readonly topology?: TopologyInfo;
  /**
   * Known Byzantine behaviours; when absent any name is accepted (the target decides).
   * Per consensus when the target knows both (an etcdraft orderer takes Raft's, a SmartBFT
   * orderer SmartBFT's): the scenario's `topology.consensus` picks the list.
   */
  readonly behaviours?: Behaviours;
}

/** Byzantine behaviour names a target implements: one list, or one per consensus. */
export type Behaviours = readonly string[] | Readonly<Record<Consensus, readonly string[]>>;
export type Consensus = 'smartbft' | 'raft';

/** The behaviours an orderer of `consensus` takes. */
export function behavioursFor(behaviours: Behaviours, consensus: Consensus | undefined): readonly string[] {
  return isBehaviourList(behaviours) ? behaviours : behaviours[consensus ?? 'smartbft'];
}

/** The consensus whose list applies, when the target gives one list per consensus. */
function perConsensus(b: Behaviours | undefined, consensus: Consensus): Consensus | undefined {
  return b === undefined || isBehaviourList(b) ? undefined : consensus;
}

function isBehaviourList(b: Behaviours): b is readonly string[] {
  return Array.isArray(b);
}

const REF_RE = /^\$([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z0-9_-]+)*)$/;

/** `$name.field` -> `{ name, fields }`; undefined when the string is not a reference. `$$x` is the literal `$x`. */
export function parseRef(s: string): { name: string; fields: string[] } | undefined {
  if (!s.startsWith('$') || s.startsWith('$$')) return undefined;
  const m = REF_RE.exec(s);
  if (!m) return undefined;
  return { name: m[1] ?? '', fields: (m[2] ?? '').split('.').filter((f) => f !== '') };
}

/** An operation's meaning check, its argument already of the operation's structure. */
type CheckOf = (arg: unknown, c: CheckContext, path: readonly PathSegment[], op: string) => void;

class Checker implements CheckContext {
  readonly issues: Issue[] = [];
  readonly saved: string[] = [];

  constructor(
    readonly topology: TopologyInfo,
    readonly behaviours: readonly string[] | undefined,
    /** Set when the target's behaviours are per consensus: errors then say whose list it was. */
    readonly consensus: Consensus | undefined,
    /** The scenario's own `topology.consensus` (dropMessages names SmartBFT's message types). */
    readonly consensusOfTopology: Consensus = 'smartbft',
    /** The zones `topology.zones` names (stopZone, startZone), if any. */
    readonly zones: readonly string[] | undefined = undefined,
  ) {}

  add(path: readonly PathSegment[], message: string, at?: 'key'): void {
    this.issues.push(at === undefined ? { path, message } : { path, message, at });
  }

  allNodes(): string[] {
    return [...this.topology.orderers, ...this.topology.peers, ...this.topology.couchdbs];
  }

  kindOf(id: string): NodeKind | undefined {
    if (this.topology.orderers.includes(id)) return 'orderer';
    if (this.topology.peers.includes(id)) return 'peer';
    if (this.topology.couchdbs.includes(id)) return 'couchdb';
    return undefined;
  }

  /** A string that may be a `$reference`: check it names an earlier save. */
  ref(value: string, path: readonly PathSegment[]): boolean {
    if (!value.startsWith('$') || value.startsWith('$$')) return false;
    const r = parseRef(value);
    if (r === undefined) {
      this.add(path, `"${value}" is not a reference (write $name or $name.field; $$ for a literal $)`);
    } else if (!this.saved.includes(r.name)) {
      const hint = didYouMean(r.name, this.saved);
      this.add(
        path,
        `unknown reference $${r.name}${hint === '' ? '' : hint.replace('mean ', 'mean $')}${this.saved.length === 0 ? ' (no earlier step saves a value)' : ''}`,
      );
    }
    return true;
  }

  /** Check a node name or selector against the topology. */
  node(value: string, path: readonly PathSegment[], kinds: readonly NodeKind[], single: boolean, what: string): void {
    if (this.ref(value, path)) return;
    const sel = (SELECTORS as readonly string[]).includes(value) ? value : undefined;
    if (sel !== undefined) {
      const kindsOf: Readonly<Record<string, readonly NodeKind[]>> = {
        leader: ['orderer'],
        nextLeader: ['orderer'],
        followers: ['orderer'],
        orderers: ['orderer'],
        peers: ['peer'],
        all: ['orderer', 'peer', 'couchdb'],
      };
      const selKinds = kindsOf[sel] ?? [];
      if (!selKinds.every((k) => kinds.includes(k))) {
        this.add(path, `selector "${sel}" names ${selKinds.join('/')} nodes; ${what} needs ${kinds.join(' or ')} nodes`);
      } else if (single && !(sel === 'leader' || sel === 'nextLeader')) {
        this.add(path, `selector "${sel}" names several nodes; ${what} needs one`);
      }
      return;
    }
    const kind = this.kindOf(value);
    if (kind === undefined) {
      const bigger = describeTopology({ orgs: this.topology.orgs, orderers: LIMITS.orderers, peersPerOrg: LIMITS.peersPerOrg });
      if (bigger.orderers.includes(value)) {
        const n = this.topology.orderers.length;
        this.add(path, `unknown node "${value}": this topology has ${n} orderer${n === 1 ? '' : 's'} (${this.topology.orderers.slice(0, 8).join(', ')}${n > 8 ? ', ...' : ''}); raise topology.orderers or --orderers`);
        return;
      }
      if (bigger.peers.includes(value) || bigger.couchdbs.includes(value)) {
        this.add(path, `unknown node "${value}": this topology has ${this.topology.peers.length / Math.max(1, this.topology.orgs.length)} peer(s) per org; raise topology.peersPerOrg`);
        return;
      }
      // "orderer.x" names a node: suggest node ids, not a selector like `orderers`.
      const candidates = value.includes('.') ? this.allNodes() : [...this.allNodes(), ...SELECTORS];
      const hint = didYouMean(value, candidates);
      const known = value.startsWith('orderer') ? this.topology.orderers : value.startsWith('peer') ? this.topology.peers : value.startsWith('couchdb') ? this.topology.couchdbs : [];
      const list = hint === '' && known.length > 0 ? ` (this topology has ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''})` : '';
      this.add(path, `unknown node "${value}"${hint}${list}`);
      return;
    }
    if (!kinds.includes(kind)) {
      const list = kinds.flatMap((k) => (k === 'orderer' ? this.topology.orderers : k === 'peer' ? this.topology.peers : this.topology.couchdbs));
      this.add(path, `"${value}" is not a ${kinds.join(' or ')} (${what} needs one of: ${list.slice(0, 8).join(', ')}${list.length > 8 ? ', ...' : ''})`);
    }
  }

  org(value: string, path: readonly PathSegment[]): void {
    if (this.ref(value, path)) return;
    if (!this.topology.orgs.includes(value)) {
      this.add(path, `unknown org "${value}"${didYouMean(value, this.topology.orgs)} (orgs: ${this.topology.orgs.join(', ')})`);
    }
  }

  duration(value: unknown, path: readonly PathSegment[]): void {
    const r = parseDuration(value);
    if ('error' in r) this.add(path, r.error);
  }

  /** Every string leaf that looks like a reference must name an earlier save. */
  refsIn(value: unknown, path: readonly PathSegment[], depth = 0): void {
    if (depth > LIMITS.nesting) {
      this.add(path, `nested more than ${LIMITS.nesting} levels deep`);
      return;
    }
    if (typeof value === 'string') this.ref(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => this.refsIn(v, [...path, i], depth + 1));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) this.refsIn(v, [...path, k], depth + 1);
    }
  }

  expect(value: unknown, path: readonly PathSegment[], depth = 0): void {
    if (depth > LIMITS.nesting) {
      this.add(path, `nested more than ${LIMITS.nesting} levels deep`);
      return;
    }
    if (typeof value === 'string') {
      this.ref(value, path);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.expect(v, [...path, i], depth + 1));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const keys = Object.keys(value);
    const ops = keys.filter((k) => (EXPECT_OPERATORS as readonly string[]).includes(k));
    if (ops.length === 0) {
      for (const k of keys) this.expect((value as Record<string, unknown>)[k], [...path, k], depth + 1);
      return;
    }
    if (ops.length !== keys.length) {
      const other = keys.find((k) => !ops.includes(k)) ?? '';
      this.add([...path, other], `mixes an operator (${ops.join(', ')}) with the field "${other}"; write fields and operators at different levels`, 'key');
      return;
    }
    for (const op of ops) {
      const v = (value as Record<string, unknown>)[op];
      const p = [...path, op];
      if (op === 'matches') {
        if (typeof v !== 'string') this.add(p, `expected a regular expression (string), got ${describeValue(v)}`);
        else if (!this.ref(v, p)) {
          const r = parsePattern(v);
          if ('error' in r) this.add(p, r.error);
        }
      } else if (op === 'equals') {
        this.refsIn(v, p, depth + 1);
      } else if (typeof v === 'string') {
        if (!this.ref(v, p)) this.add(p, `expected a number or a $reference, got ${describeValue(v)}`);
      } else if (typeof v !== 'number' || !Number.isFinite(v)) {
        this.add(p, `expected a number or a $reference, got ${describeValue(v)}`);
      }
    }
  }

  step(raw: unknown, index: number): void {
    const path: PathSegment[] = ['steps', index];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.add(path, `a step is an object with one operation (${OPERATIONS.slice(0, 5).join(', ')}, ...), got ${describeValue(raw)}`);
      return;
    }
    const keys = Object.keys(raw);
    const ops = keys.filter((k): k is OpName => (OPERATIONS as readonly string[]).includes(k));
    for (const k of keys) {
      if (ops.includes(k as OpName) || (COMMON_KEYS as readonly string[]).includes(k)) continue;
      this.add([...path, k], `unknown operation "${k}"${didYouMean(k, [...OPERATIONS, ...COMMON_KEYS])}`, 'key');
      return;
    }
    if (ops.length === 0) {
      this.add(path, `a step needs one operation (${OPERATIONS.join(', ')})`);
      return;
    }
    if (ops.length > 1) {
      this.add([...path, ops[1] ?? ''], `a step has one operation, this one has ${ops.length} (${ops.join(', ')}); split it into steps`, 'key');
      return;
    }
    const op = ops[0] as OpName;
    const step = raw as Record<string, unknown>;
    const common = CommonSchema.safeParse({ name: step['name'], save: step['save'] });
    if (!common.success) {
      this.issues.push(...fromZod(common.error, { name: step['name'], save: step['save'] }, path, CommonSchema));
      return;
    }
    const arg = step[op];
    const schema = OPERATION_TABLE[op].schema;
    const parsed = schema.safeParse(arg);
    if (!parsed.success) {
      this.issues.push(...fromZod(parsed.error, arg, [...path, op], schema));
      return;
    }
    // What the schema cannot say: names against the topology, durations, references (operations.ts).
    (OPERATION_TABLE[op].check as CheckOf | undefined)?.(arg, this, [...path, op], op);
    if ('expect' in step) this.expect(step['expect'], [...path, 'expect']);
    if (typeof step['save'] === 'string') this.saved.push(step['save']);
  }
}

const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first key that would touch an object's prototype (`__proto__`), if any. */
function reservedKeyPath(v: unknown): PathSegment[] | undefined {
  const stack: [unknown, PathSegment[]][] = [[v, []]];
  while (stack.length > 0) {
    const [x, path] = stack.pop() as [unknown, PathSegment[]];
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], [...path, i]]);
      continue;
    }
    const keys = Object.keys(x);
    for (const k of keys) if (RESERVED_KEYS.has(k)) return [...path, k];
    for (let i = keys.length - 1; i >= 0; i--) stack.push([(x as Record<string, unknown>)[keys[i] as string], [...path, keys[i] as string]]);
  }
  return undefined;
}

function depthOf(v: unknown, limit: number): number {
  // Iterative, so a document nested 100 000 levels deep cannot overflow the stack.
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max > limit) return max;
    if (x !== null && typeof x === 'object') for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** The zone names a topology (as written, maybe invalid) gives, for checking stopZone / startZone. */
function zoneNamesIn(topology: unknown): string[] | undefined {
  const z = topology !== null && typeof topology === 'object' ? (topology as Record<string, unknown>)['zones'] : undefined;
  if (typeof z === 'number' && Number.isInteger(z) && z >= 1 && z <= MAX_ZONES) return zoneNames(z);
  if (z !== null && typeof z === 'object' && !Array.isArray(z)) return Object.keys(z);
  return undefined;
}

/**
 * Problems with `topology.zones`, `rttInZone` and `rttAcrossZones`: the zone names, nodes
 * that the topology does not have, a node in two zones, an orderer in none.
 */
function zoneIssues(t: Readonly<Record<string, unknown>>, topology: TopologyInfo): Issue[] {
  const out: Issue[] = [];
  const base = ['topology', 'zones'];
  const z = t['zones'];
  for (const k of ['rttInZone', 'rttAcrossZones']) {
    if (t[k] === undefined) continue;
    if (z === undefined) {
      out.push({ path: ['topology', k], message: `${k} needs zones: topology.zones places the nodes in zones`, at: 'key' });
      continue;
    }
    const r = parseDuration(t[k]);
    if ('error' in r) out.push({ path: ['topology', k], message: r.error });
  }
  if (z === undefined) return out;
  if (typeof z === 'number') {
    if (!Number.isInteger(z) || z < 1 || z > MAX_ZONES) out.push({ path: base, message: `a number of zones is a whole number from 1 to ${MAX_ZONES}, got ${describeValue(z)}` });
    return out;
  }
  if (z === null || typeof z !== 'object' || Array.isArray(z)) {
    out.push({ path: base, message: `expected a number of zones (orderers round-robin over zone1..zoneN) or zone names with their nodes ({ a: [orderer.techpulse, ...] }), got ${describeValue(z)}` });
    return out;
  }
  const names = Object.keys(z);
  if (names.length === 0) out.push({ path: base, message: 'needs at least one zone' });
  if (names.length > MAX_ZONES) out.push({ path: base, message: `has ${names.length} zones, more than ${MAX_ZONES}` });
  const placeable = [...topology.orderers, ...topology.peers];
  const zoneOfNode = new Map<string, string>();
  for (const name of names) {
    const path = [...base, name];
    if (!ZONE_NAME_RE.test(name)) out.push({ path, message: `a zone name is lower-case letters, digits and dashes, got "${name}"`, at: 'key' });
    const list = (z as Record<string, unknown>)[name];
    if (!Array.isArray(list)) {
      out.push({ path, message: `expected a list of the zone's orderers and peers, got ${describeValue(list)}` });
      continue;
    }
    if (list.length === 0) out.push({ path, message: 'a zone needs at least one node' });
    list.forEach((n: unknown, i) => {
      const at = [...path, i];
      if (typeof n !== 'string') out.push({ path: at, message: `expected a node id, got ${describeValue(n)}` });
      else if (placeable.includes(n)) {
        const earlier = zoneOfNode.get(n);
        if (earlier !== undefined) out.push({ path: at, message: `${n} is already in zone ${earlier}: a node is in one zone` });
        else zoneOfNode.set(n, name);
      } else if (topology.couchdbs.includes(n)) out.push({ path: at, message: `"${n}" is a CouchDB: it sits beside its peer, place the peer` });
      else out.push({ path: at, message: `unknown node "${n}"${didYouMean(n, placeable)} (a zone holds orderers and peers of this topology: ${placeable.slice(0, 8).join(', ')}${placeable.length > 8 ? ', ...' : ''})` });
    });
  }
  if (out.length === 0) {
    const unplaced = topology.orderers.filter((o) => !zoneOfNode.has(o));
    if (unplaced.length > 0) out.push({ path: base, message: `${unplaced.join(', ')} ${unplaced.length === 1 ? 'is' : 'are'} in no zone: name every orderer in a zone (or give zones: N to deal them round-robin)` });
  }
  return out;
}

/** Every problem with a scenario document, in document order. */
export function scenarioIssues(input: unknown, options: ValidateOptions = {}): Issue[] {
  if (input === null || input === undefined) return [{ path: [], message: 'the scenario is empty: it needs name and steps' }];
  if (typeof input !== 'object' || Array.isArray(input)) {
    return [{ path: [], message: `a scenario is an object with name, topology, seed and steps, got ${describeValue(input)}` }];
  }
  if (depthOf(input, LIMITS.nesting + 8) > LIMITS.nesting + 8) {
    return [{ path: [], message: `the document is nested more than ${LIMITS.nesting} levels deep` }];
  }
  const top = TopLevelSchema.safeParse(input);
  if (!top.success) {
    // An unknown key first: `stepz` is more likely a typo of `steps` than a missing field.
    const issues = fromZod(top.error, input, [], TopLevelSchema);
    const ordered = [...issues.filter((i) => i.at === 'key'), ...issues.filter((i) => i.at !== 'key')];
    // The steps' own problems count too, when there is a list of steps and a topology to check them against.
    const { steps, topology } = input as Record<string, unknown>;
    if (!Array.isArray(steps) || steps.length > LIMITS.steps) return ordered;
    if (options.topology === undefined && topology !== undefined && !TopologyCheckSchema.safeParse(topology).success) return ordered;
    const consensus = (topology as TopologySpec | undefined)?.consensus;
    const checker = new Checker(options.topology ?? describeTopology(topology as TopologySpec | undefined), options.behaviours && behavioursFor(options.behaviours, consensus === 'raft' ? 'raft' : 'smartbft'), perConsensus(options.behaviours, consensus === 'raft' ? 'raft' : 'smartbft'), consensus === 'raft' ? 'raft' : 'smartbft', zoneNamesIn(topology));
    steps.forEach((s: unknown, i) => checker.step(s, i));
    return [...ordered, ...checker.issues];
  }
  const doc = top.data;
  const topology = options.topology ?? describeTopology(doc.topology as TopologySpec | undefined);
  const reserved = reservedKeyPath(input);
  if (reserved !== undefined) return [{ path: reserved, message: `"${String(reserved[reserved.length - 1])}" is not allowed as a key (it would change the object's prototype, so the check under it would be skipped)`, at: 'key' }];
  if (doc.topology?.policy !== undefined) {
    try {
      parsePolicy(doc.topology.policy, topology.orgs);
    } catch (e) {
      return [{ path: ['topology', 'policy'], message: (e as Error).message.replace(/^endorsement policy: /, '') }];
    }
  }
  if (doc.topology?.orgs !== undefined && new Set(doc.topology.orgs).size !== doc.topology.orgs.length) {
    return [{ path: ['topology', 'orgs'], message: 'an org is named twice' }];
  }
  if (doc.topology?.gossip !== undefined && doc.topology.dissemination !== 'gossip') {
    return [{ path: ['topology', 'gossip'], message: 'gossip options need dissemination: gossip (with BFT orderers Fabric 3.x turns block gossip off)', at: 'key' }];
  }
  if (doc.topology?.ordererBackoffMaxDelay !== undefined) {
    const r = backoffMaxDelayMs(doc.topology.ordererBackoffMaxDelay);
    if ('error' in r) return [{ path: ['topology', 'ordererBackoffMaxDelay'], message: r.error }];
  }
  if (doc.topology?.smartbft !== undefined) {
    if (doc.topology.consensus === 'raft') return [{ path: ['topology', 'smartbft'], message: 'SmartBFT options need SmartBFT orderers (topology.consensus is raft)', at: 'key' }];
    const problems = scenarioSmartBftProblems(doc.topology.smartbft);
    if (problems.length > 0) return problems.map((p) => ({ path: p.name === undefined ? ['topology', 'smartbft'] : ['topology', 'smartbft', p.name], message: p.message }));
  }
  if (doc.topology !== undefined) {
    const zones = zoneIssues(doc.topology, topology);
    if (zones.length > 0) return zones;
  }
  const consensus = doc.topology?.consensus ?? 'smartbft';
  const checker = new Checker(topology, options.behaviours && behavioursFor(options.behaviours, consensus), perConsensus(options.behaviours, consensus), consensus, zoneNamesIn(doc.topology));
  doc.steps.forEach((s, i) => checker.step(s, i));
  return checker.issues;
}

/** Validate a scenario object; throws `ScenarioError` with the first problem. */
export function validateScenario(input: unknown, options: ValidateOptions = {}): Scenario {
  const issues = scenarioIssues(input, options);
  const first = issues[0];
  if (first !== undefined) throw new ScenarioError(first.message, { path: first.path, others: issues.slice(1).map((i) => problemLine(i.message, { path: i.path })) });
  return input as Scenario;
}
