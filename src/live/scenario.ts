/** Load a scenario for a live run: a built-in by name (sized to the config's orderers) or a YAML/JSON file. */
import { FileReadError, readRegularFile } from '../io/files.ts';
import { BUILTINS, findBuiltin } from '../scenarios/builtins/index.ts';
import { MAX_SCENARIO_BYTES, parseScenario } from '../scenarios/parse.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { closest } from '../scenarios/suggest.ts';
import type { TopologyInfo } from '../scenarios/cluster.ts';

export function loadScenario(nameOrFile: string, topology: TopologyInfo): Scenario {
  const b = findBuiltin(nameOrFile);
  if (b !== undefined) return b.build({ orderers: topology.orderers.length });
  let text: string | undefined;
  try {
    // A regular file under the scenario size limit only: /dev/zero or a FIFO is an error, not a hang.
    text = readRegularFile(nameOrFile, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.problem !== 'does not exist') throw new Error(`scenario ${nameOrFile} ${e.problem}`);
  }
  if (text !== undefined) return parseScenario(text, { file: nameOrFile, topology });
  const hint = closest(nameOrFile, BUILTINS.map((x) => x.name));
  throw new Error(`unknown scenario "${nameOrFile}"${hint ? ` (did you mean ${hint}?)` : ''}: neither a built-in (${BUILTINS.map((x) => x.name).join(', ')}) nor a file`);
}
