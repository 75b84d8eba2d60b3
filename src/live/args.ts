/**
 * Command-line flags for `live`, `compare` and `serve`: a small strict parser (unknown
 * flags are errors, with a suggestion) that refuses anything that looks like a secret on
 * the command line, because command lines end up in shell history and `ps`.
 */
import { closest } from '../scenarios/suggest.ts';

export interface FlagSpec {
  /** Flags that take a value. */
  readonly values: readonly string[];
  /** Flags that are on/off. */
  readonly switches: readonly string[];
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
}

const SECRET_FLAG = /^--?(password|passwd|pass|token|secret|client-secret|bearer|api-key|apikey)(=|$)/i;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (SECRET_FLAG.test(a)) {
      throw new UsageError(`${a.split('=')[0]}: secrets are never taken from the command line; name an environment variable or a file in the config ({ env: NAME } or { file: PATH })`);
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (values.has(name) || switches.has(name)) throw new UsageError(`--${name} is given twice`);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
    } else if (spec.values.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      values.set(name, v);
    } else {
      const known = [...spec.values, ...spec.switches];
      const hint = closest(name, known);
      throw new UsageError(`unknown flag --${name}${hint ? ` (did you mean --${hint}?)` : ''}; known: ${known.map((k) => `--${k}`).join(', ')}`);
    }
  }
  return { positional, values, switches };
}
