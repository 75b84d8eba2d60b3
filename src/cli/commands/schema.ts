/**
 * `fabric-bft-sim schema`: the JSON Schema of the scenario format, generated from the zod
 * schema (src/scenarios/schema.ts), for editors: a YAML file whose first line is
 * `# yaml-language-server: $schema=<path or URL>` gets completion, hover and errors as you
 * type. The same text is committed as scenario.schema.json (test/cli/schema.test.ts keeps
 * it current) and shipped in the package.
 */
import { scenarioJsonSchema } from '../../scenarios/schema.ts';
import { parseArgs, type CommandSpec } from '../../args/grammar.ts';
import { helpText } from '../../args/help.ts';
import { UsageError, type CliEnv } from '../io.ts';

export const SCHEMA_SPEC: CommandSpec = {
  name: 'schema',
  usage: ['[options]'],
  description: `Print the JSON Schema (draft-07) of scenario files, for editor completion and checks. The package ships it as fabric-bft-sim/scenario.schema.json. In a YAML scenario, a first line "# yaml-language-server: $schema=./scenario.schema.json" makes VS Code (YAML extension), Neovim and others complete and check the file. The schema is the structure only; "fabric-bft-sim run FILE" also checks node names, references and durations against the topology.`,
  flags: {
    json: { type: 'bool', help: 'the same JSON document (the output is JSON either way)' },
  },
  examples: ['fabric-bft-sim schema > scenario.schema.json'],
};

/** The schema as printed and committed: two-space JSON and a final newline. */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export async function schemaCommand(argv: readonly string[], env: CliEnv): Promise<number> {
  const p = parseArgs(SCHEMA_SPEC, argv);
  if (p.help) {
    env.stdout(helpText(SCHEMA_SPEC));
    return 0;
  }
  if (p.positionals.length > 0) throw new UsageError(`schema: takes no arguments, got "${p.positionals.join(' ')}" (see "fabric-bft-sim schema --help")`);
  env.stdout(scenarioSchemaText());
  return 0;
}
