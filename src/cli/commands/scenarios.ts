/** `fabric-bft-sim scenarios [name]`: list the built-ins, or print one as YAML. */
import { BUILTINS, BuiltinParamError, SMARTBFT_STORIES, findBuiltin } from '../../scenarios/builtins/index.ts';
import { scenarioToYaml } from '../../scenarios/parse.ts';
import { LIMITS } from '../../scenarios/schema.ts';
import { didYouMean } from '../../scenarios/suggest.ts';
import { bool, num, parseArgs, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { UsageError, type CliEnv } from '../io.ts';
import { RAFT_VS_BFT } from './raft-vs-bft.ts';

export const SCENARIOS_SPEC: CommandSpec = {
  name: 'scenarios',
  usage: ['[options]', '<name> [--orderers N]'],
  description: `Without a name: the built-in scenarios with one-line descriptions (lab = one of the lab's three demos, run by "npm start"; raft-vs-bft is a comparison, not a document). With --smartbft: SmartBFT's own test stories instead (smartbft.TestBasic, ...), each a port of a test of SmartBFT's test/basic_test.go; run one like any built-in. With a name: that scenario as YAML, a starting point for your own file.`,
  flags: {
    orderers: { type: 'int', min: 1, max: LIMITS.orderers, help: 'with a name: the scenario for this many orderers' },
    smartbft: { type: 'bool', help: "list SmartBFT's test stories instead of the built-ins" },
    json: { type: 'bool', help: 'the list (name, description, lab, minimum orderers) or the scenario, as JSON' },
  },
  examples: ['fabric-bft-sim scenarios', 'fabric-bft-sim scenarios --smartbft', 'fabric-bft-sim scenarios kill-orderer --orderers 7 > my.yaml', 'fabric-bft-sim scenarios --json'],
};

export async function scenariosCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(SCENARIOS_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(SCENARIOS_SPEC));
    return 0;
  }
  const name = p.positionals[0];
  const json = bool(p, 'json');
  if (p.positionals.length > 1) throw new UsageError(`scenarios: takes at most one name, got "${p.positionals.join(' ')}"`);
  if (name !== undefined) {
    if (name === RAFT_VS_BFT.name) throw new UsageError(`scenarios: ${name} is a comparison run on the kernel, not a scenario document; run it with "fabric-bft-sim run ${name}"`);
    const b = findBuiltin(name);
    if (b === undefined) throw new UsageError(`scenarios: unknown scenario "${name}"${didYouMean(name, [...BUILTINS.map((x) => x.name), ...SMARTBFT_STORIES.map((x) => x.name), RAFT_VS_BFT.name])}`);
    const n = num(p, 'orderers');
    try {
      const scenario = b.build(n === undefined ? {} : { orderers: n });
      env.stdout(json ? `${JSON.stringify(scenario, null, 2)}\n` : scenarioToYaml(scenario));
    } catch (e) {
      if (e instanceof BuiltinParamError) throw new UsageError(`scenarios: ${e.message}`);
      throw e;
    }
    return 0;
  }
  if (bool(p, 'smartbft')) {
    if (json) {
      env.stdout(`${JSON.stringify(SMARTBFT_STORIES.map((b) => ({ name: b.name, description: b.description, minOrderers: b.minOrderers })), null, 2)}\n`);
      return 0;
    }
    const w = Math.max(...SMARTBFT_STORIES.map((b) => b.name.length));
    const lines = SMARTBFT_STORIES.map((b) => `  ${b.name.padEnd(w)}  ${b.description.replace(/^Test\w+: /, '')}${b.minOrderers > 4 ? ` (--orderers >= ${b.minOrderers})` : ''}`);
    env.stdout(`SmartBFT test stories, from SmartBFT's test/basic_test.go (run one with "fabric-bft-sim run <name>"):\n${lines.join('\n')}\n`);
    return 0;
  }
  const all = [...BUILTINS, { ...RAFT_VS_BFT, lab: false }];
  if (json) {
    env.stdout(`${JSON.stringify(all.map((b) => ({ name: b.name, description: b.description, lab: b.lab, minOrderers: b.minOrderers })), null, 2)}\n`);
    return 0;
  }
  const w = Math.max(...all.map((b) => b.name.length));
  const lines = all.map((b) => `  ${b.name.padEnd(w)}  ${b.lab ? 'lab ' : '    '}  ${b.description}${b.minOrderers > 1 ? ` (--orderers >= ${b.minOrderers})` : ''}`);
  env.stdout(`Built-in scenarios (run one with "fabric-bft-sim run <name>"):\n${lines.join('\n')}\n`);
  return 0;
}
