/** `fabric-bft-sim scenarios [name]`: list the built-ins, or print one as YAML. */
import { BUILTINS, BuiltinParamError, SMARTBFT_STORIES, findBuiltin } from '../../scenarios/builtins/index.ts';
import { scenarioToYaml } from '../../scenarios/parse.ts';
import { LIMITS } from '../../scenarios/schema.ts';
import { didYouMean } from '../../scenarios/suggest.ts';
import { bool, num, parseArgs } from '../args.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { RAFT_VS_BFT } from './raft-vs-bft.ts';

export const SCENARIOS_HELP = `Usage: fabric-bft-sim scenarios [name] [--orderers N] [--smartbft]

Without a name: the built-in scenarios with one-line descriptions (lab = one of the
lab's three demos, run by "npm start"; raft-vs-bft is a comparison, not a document).
With --smartbft: SmartBFT's own test stories instead (smartbft.TestBasic, ...), each a
port of a test of SmartBFT's test/basic_test.go; run one like any built-in.
With a name: that scenario as YAML, a starting point for your own file.
`;

export async function scenariosCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs('scenarios', argv, { orderers: { type: 'int', min: 1, max: LIMITS.orderers }, smartbft: { type: 'bool' } });
  if (p.help) {
    env.stdout(SCENARIOS_HELP);
    return 0;
  }
  const name = p.positionals[0];
  if (name !== undefined) {
    if (name === RAFT_VS_BFT.name) throw new UsageError(`scenarios: ${name} is a comparison run on the kernel, not a scenario document; run it with "fabric-bft-sim run ${name}"`);
    const b = findBuiltin(name);
    if (b === undefined) throw new UsageError(`scenarios: unknown scenario "${name}"${didYouMean(name, [...BUILTINS.map((x) => x.name), ...SMARTBFT_STORIES.map((x) => x.name), RAFT_VS_BFT.name])}`);
    const n = num(p, 'orderers');
    try {
      env.stdout(scenarioToYaml(b.build(n === undefined ? {} : { orderers: n })));
    } catch (e) {
      if (e instanceof BuiltinParamError) throw new UsageError(`scenarios: ${e.message}`);
      throw e;
    }
    return 0;
  }
  if (bool(p, 'smartbft')) {
    const w = Math.max(...SMARTBFT_STORIES.map((b) => b.name.length));
    const lines = SMARTBFT_STORIES.map((b) => `  ${b.name.padEnd(w)}  ${b.description.replace(/^Test\w+: /, '')}${b.minOrderers > 4 ? ` (--orderers >= ${b.minOrderers})` : ''}`);
    env.stdout(`SmartBFT test stories, from SmartBFT's test/basic_test.go (run one with "fabric-bft-sim run <name>"):\n${lines.join('\n')}\n`);
    return 0;
  }
  const all = [...BUILTINS, { ...RAFT_VS_BFT, lab: false }];
  const w = Math.max(...all.map((b) => b.name.length));
  const lines = all.map((b) => `  ${b.name.padEnd(w)}  ${b.lab ? 'lab ' : '    '}  ${b.description}${b.minOrderers > 1 ? ` (--orderers >= ${b.minOrderers})` : ''}`);
  env.stdout(`Built-in scenarios (run one with "fabric-bft-sim run <name>"):\n${lines.join('\n')}\n`);
  return 0;
}
