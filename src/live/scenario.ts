/** Load a scenario for a live run: a built-in by name (sized to the config's orderers) or a YAML/JSON file. */
import { existsSync, readFileSync } from 'node:fs';
import { BUILTINS, findBuiltin } from '../scenarios/builtins/index.ts';
import { parseScenario } from '../scenarios/parse.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { closest } from '../scenarios/suggest.ts';
import type { TopologyInfo } from '../scenarios/cluster.ts';

export function loadScenario(nameOrFile: string, topology: TopologyInfo): Scenario {
  const b = findBuiltin(nameOrFile);
  if (b !== undefined) return b.build({ orderers: topology.orderers.length });
  if (existsSync(nameOrFile)) return parseScenario(readFileSync(nameOrFile, 'utf8'), { file: nameOrFile, topology });
  const hint = closest(nameOrFile, BUILTINS.map((x) => x.name));
  throw new Error(`unknown scenario "${nameOrFile}"${hint ? ` (did you mean ${hint}?)` : ''}: neither a built-in (${BUILTINS.map((x) => x.name).join(', ')}) nor a file`);
}
