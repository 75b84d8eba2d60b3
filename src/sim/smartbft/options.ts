/**
 * SmartBFT's options as the model takes them: {@link modelConfigOf} turns the channel
 * config's options (src/shared/smartbft-options.ts, re-exported here) into the model's
 * {@link SmartBftConfig} (milliseconds), and the message types a scenario's `dropMessages`
 * step may name, checked against the model's `BftMessage`.
 */
import type { SmartBftConfig } from './config.ts';
import type { BftMessage } from './messages.ts';
import { goDurationMs } from '../../shared/duration.ts';
import type { ScenarioSmartBft } from '../../shared/smartbft-options.ts';

export { SMARTBFT_DEFAULTS, SCENARIO_SMARTBFT_DEFAULTS, optionKind, validateRuleProblem, optionValueProblem, scenarioSmartBftProblems, smartBftMismatch, type SmartBftOptionName, type SmartBftOptions, type ScenarioSmartBftName, type ScenarioSmartBft } from '../../shared/smartbft-options.ts';

/**
 * The model's configuration for the options given (the rest stay the model's defaults,
 * which are Fabric's). IncomingMessageBufferSize has no counterpart in the model (its
 * queues do not overflow) and is left out.
 */
export function modelConfigOf(given: ScenarioSmartBft): Partial<SmartBftConfig> {
  const out: Record<string, number | boolean> = {};
  for (const [name, v] of Object.entries(given)) {
    if (name === 'IncomingMessageBufferSize' || v === undefined) continue;
    out[name] = typeof v === 'string' ? (goDurationMs(v) ?? 0) : v;
  }
  return out as Partial<SmartBftConfig>;
}

/**
 * The message types a scenario's `dropMessages` step may name: SmartBFT's (messages.ts
 * `BftMessage`, the consenters' protocol; a Submit is a client's broadcast reaching an orderer).
 */
export const SMARTBFT_MESSAGE_TYPES = [
  'PrePrepare',
  'Prepare',
  'Commit',
  'ViewChange',
  'ViewData',
  'NewView',
  'HeartBeat',
  'HeartBeatResponse',
  'StateTransferRequest',
  'StateTransferResponse',
  'Submit',
  'FwdRequest',
  'HeightRequest',
  'HeightResponse',
  'BlockRequest',
  'BlockResponse',
] as const satisfies readonly BftMessage['type'][];

// Every BftMessage type is in the list (a type error here names the one missing).
// Stryker disable next-line BooleanLiteral: a compile-time check; the value is never read
const _allTypes: Exclude<BftMessage['type'], (typeof SMARTBFT_MESSAGE_TYPES)[number]> extends never ? true : never = true;
void _allTypes;
