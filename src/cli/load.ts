/** `run <name|file>`: a built-in by name or a YAML/JSON file, with `--orderers` applied. */
import { BUILTINS, BuiltinParamError, SMARTBFT_STORIES, findBuiltin } from '../scenarios/builtins/index.ts';
import { parseScenario } from '../scenarios/parse.ts';
import { ScenarioError, type Scenario, type ValidateOptions } from '../scenarios/schema.ts';
import { didYouMean } from '../scenarios/suggest.ts';
import { RAFT_VS_BFT } from './commands/raft-vs-bft.ts';
import { FileReadError } from '../io/files.ts';
import { UsageError, type CliEnv } from './io.ts';
import { scenarioProfile } from './targets.ts';

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** How to name it in a replay command: the built-in's name or the file path. */
  readonly ref: string;
  readonly builtin: boolean;
}

function looksLikeFile(arg: string): boolean {
  return /[/\\]/.test(arg) || /\.(ya?ml|json)$/i.test(arg);
}

export function loadScenario(env: CliEnv, command: string, arg: string, orderers: number | undefined, validate: ValidateOptions = {}): LoadedScenario {
  const builtin = findBuiltin(arg);
  if (builtin !== undefined) {
    try {
      return { scenario: builtin.build(orderers === undefined ? {} : { orderers }), ref: arg, builtin: true };
    } catch (e) {
      if (e instanceof BuiltinParamError) throw new UsageError(`${command}: ${e.message}`);
      throw e;
    }
  }
  const kind = env.pathKind(arg);
  if (kind === 'dir') throw new UsageError(`${command}: ${arg} is a directory; give a scenario file (.yaml or .json) or a built-in name`);
  if (kind !== 'file') {
    if (looksLikeFile(arg)) throw new UsageError(kind === 'missing' ? `${command}: no such file: ${arg}` : `${command}: ${arg} is not a regular file`);
    throw new UsageError(
      `${command}: unknown scenario "${arg}"${didYouMean(arg, [...BUILTINS.map((b) => b.name), ...SMARTBFT_STORIES.map((b) => b.name), RAFT_VS_BFT.name])}; "fabric-bft-sim scenarios" lists the built-ins, or give a .yaml/.json file`,
    );
  }
  let text: string;
  try {
    text = env.readFile(arg);
  } catch (e) {
    if (e instanceof FileReadError) throw new UsageError(`${command}: ${arg} ${e.problem}`);
    throw new UsageError(`${command}: cannot read ${arg}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  try {
    const scenario = parseScenario(text, { file: arg, ...validate, ...(orderers !== undefined ? { topologyOverride: { orderers } } : {}) });
    // A missing or invalid profile is a one-line error before anything runs.
    scenarioProfile(scenario);
    return { scenario, ref: arg, builtin: false };
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.file === undefined ? `${arg}: ${e.message}` : e.message);
    throw e;
  }
}
