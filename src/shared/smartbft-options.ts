/**
 * SmartBFT options by the names a Fabric channel config gives them (configtx.yaml
 * `Orderer.SmartBFT`, orderer.proto `SmartBFTOptions`), with Fabric's defaults and the rules
 * of SmartBFT v1.0.1's `Configuration.Validate()` (pkg/types/config.go) that relate two
 * options. A leaf module: `net up --smartbft` (src/local/plan.ts), the local target
 * (src/local/cluster.ts) and a scenario's `topology.smartbft` (src/scenarios/schema.ts) all
 * check their options here. What is typed against the model stays in
 * src/sim/smartbft/options.ts: `modelConfigOf` (the options as the model's `SmartBftConfig`)
 * and the SmartBFT message types a `dropMessages` step may name.
 */
import { goDurationMs } from './duration.ts';

/** SmartBFT options of the channel config, Fabric's defaults (SmartBFT v1.0.1 types.DefaultConfig; configtxgen genesisDefaults). */
export const SMARTBFT_DEFAULTS = {
  RequestBatchMaxInterval: '50ms',
  RequestForwardTimeout: '2s',
  RequestComplainTimeout: '20s',
  RequestAutoRemoveTimeout: '3m0s',
  ViewChangeResendInterval: '5s',
  ViewChangeTimeout: '20s',
  LeaderHeartbeatTimeout: '1m0s',
  LeaderHeartbeatCount: 10,
  CollectTimeout: '1s',
  IncomingMessageBufferSize: 200,
  RequestPoolSize: 400,
  SyncOnStart: false,
  SpeedUpViewChange: false,
} as const;

export type SmartBftOptionName = keyof typeof SMARTBFT_DEFAULTS;
export type SmartBftOptions = { -readonly [K in SmartBftOptionName]: (typeof SMARTBFT_DEFAULTS)[K] extends boolean ? boolean : (typeof SMARTBFT_DEFAULTS)[K] extends number ? number : string };

/**
 * What a scenario's `topology.smartbft` may set: the channel config's options, and
 * `RequestBatchMaxCount`, which Fabric takes from `BatchSize.MaxMessageCount` (500 in the
 * lab's channel) rather than from the SmartBFT block.
 */
export const SCENARIO_SMARTBFT_DEFAULTS = { ...SMARTBFT_DEFAULTS, RequestBatchMaxCount: 500 } as const;
export type ScenarioSmartBftName = keyof typeof SCENARIO_SMARTBFT_DEFAULTS;
/** A scenario's options as written: durations as Go durations (`10s`, `1m30s`), counts as numbers. */
export type ScenarioSmartBft = { readonly [K in ScenarioSmartBftName]?: string | number | boolean };

/** The kind of value an option takes. */
export function optionKind(name: ScenarioSmartBftName): 'duration' | 'count' | 'boolean' {
  const def = SCENARIO_SMARTBFT_DEFAULTS[name];
  return typeof def === 'boolean' ? 'boolean' : typeof def === 'number' ? 'count' : 'duration';
}

/**
 * The first rule of SmartBFT's `Validate()` relating two options that `ms` (every
 * duration in milliseconds, counts as numbers) breaks, in Validate's order, as one line
 * without a prefix; undefined when they all hold.
 */
export function validateRuleProblem(ms: (name: ScenarioSmartBftName) => number): string | undefined {
  if (!(ms('RequestForwardTimeout') <= ms('RequestComplainTimeout'))) return 'RequestForwardTimeout must be at most RequestComplainTimeout (SmartBFT Validate)';
  if (!(ms('RequestComplainTimeout') <= ms('RequestAutoRemoveTimeout'))) return 'RequestComplainTimeout must be at most RequestAutoRemoveTimeout (SmartBFT Validate)';
  if (!(ms('ViewChangeResendInterval') <= ms('ViewChangeTimeout'))) return 'ViewChangeResendInterval must be at most ViewChangeTimeout (SmartBFT Validate)';
  if (ms('LeaderHeartbeatCount') > ms('LeaderHeartbeatTimeout') * 1_000_000) return 'LeaderHeartbeatTimeout must be at least LeaderHeartbeatCount nanoseconds';
  return undefined;
}

/**
 * The problem with one scenario option's value, or undefined. Durations are Go durations
 * (`500ms`, `10s`, `1m30s`); counts whole numbers > 0; SyncOnStart and SpeedUpViewChange
 * true or false.
 */
export function optionValueProblem(name: ScenarioSmartBftName, value: unknown): string | undefined {
  switch (optionKind(name)) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${name} is true or false`;
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1_000_000 ? undefined : `${name} is a whole number from 1 to 1000000`;
    case 'duration': {
      const ms = typeof value === 'string' ? goDurationMs(value) : undefined;
      return ms !== undefined && ms > 0 && ms <= 86_400_000 ? undefined : `${name} is a duration such as 500ms, 10s or 1m30s (at most 24h)`;
    }
  }
}

/** Milliseconds (durations) or the value itself, with the defaults under what `given` leaves out. */
function msOf(given: ScenarioSmartBft): (name: ScenarioSmartBftName) => number {
  return (name) => {
    const v = given[name] ?? SCENARIO_SMARTBFT_DEFAULTS[name];
    return typeof v === 'string' ? (goDurationMs(v) ?? 0) : Number(v);
  };
}

/** Every problem with a scenario's `topology.smartbft`: `[name or undefined, message]`; the rule check only when every value is good. */
export function scenarioSmartBftProblems(given: Readonly<Record<string, unknown>>): { readonly name: string | undefined; readonly message: string }[] {
  const out: { name: string | undefined; message: string }[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (!(name in SCENARIO_SMARTBFT_DEFAULTS)) continue; // unknown names are the schema's ("did you mean")
    const p = optionValueProblem(name as ScenarioSmartBftName, value);
    if (p !== undefined) out.push({ name, message: p });
  }
  if (out.length > 0) return out;
  const rule = validateRuleProblem(msOf(given as ScenarioSmartBft));
  return rule === undefined ? [] : [{ name: undefined, message: rule }];
}

/**
 * Where a scenario's `topology.smartbft` differs from a network's options (a real network
 * made by `net up --smartbft`): one line naming the first difference and the `net up`
 * flag that would match it; undefined when every option the scenario gives is the
 * network's. Durations compare by value (`1m` equals `1m0s`).
 */
export function smartBftMismatch(scenario: ScenarioSmartBft, network: Readonly<Record<string, unknown>>): string | undefined {
  const value = (v: unknown): number | boolean | undefined => (typeof v === 'string' ? goDurationMs(v) : typeof v === 'number' || typeof v === 'boolean' ? v : undefined);
  const differ: string[] = [];
  for (const [name, want] of Object.entries(scenario)) {
    if (want === undefined) continue;
    const has = network[name] ?? SCENARIO_SMARTBFT_DEFAULTS[name as ScenarioSmartBftName];
    if (value(want) !== value(has)) differ.push(name);
  }
  const first = differ[0];
  if (first === undefined) return undefined;
  if (first === 'RequestBatchMaxCount') return 'the scenario sets RequestBatchMaxCount, which a local network keeps at BatchSize.MaxMessageCount 500';
  const flag = differ.filter((n) => n !== 'RequestBatchMaxCount').map((n) => `${n}=${String(scenario[n as ScenarioSmartBftName])}`).join(',');
  return `the scenario's SmartBFT ${first} is ${String(scenario[first as ScenarioSmartBftName])}, the local network's ${String(network[first] ?? SCENARIO_SMARTBFT_DEFAULTS[first as ScenarioSmartBftName])} (net up --smartbft ${flag})`;
}
