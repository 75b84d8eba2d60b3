/**
 * The one command-line grammar of fabric-bft-sim: every command (run, check, live, size,
 * net, explain, ...) declares its flags in a `CommandSpec`, and this parser and the help
 * layout (help.ts) read that one spec, so the parser and `--help` cannot disagree.
 *
 *   --seed 5 and --seed=5     a value, in either form
 *   --json                    a switch (`--json=yes` is an error)
 *   -h, --help / -v, --version on every command
 *   --                        the rest are positionals
 *
 * Every bad flag or value is a one-line `UsageError` that names the command, the flag and
 * what it expects: an unknown flag gets a suggestion, a flag given twice is pointed out
 * rather than one value picked silently, and a command that reads secrets (live, compare,
 * serve) refuses secret-looking flags, because command lines end up in shell history and
 * `ps`. Durations use the scenario files' grammar (src/scenarios/duration.ts).
 *
 * A hand-written parser rather than Node's `util.parseArgs`: util.parseArgs has strings
 * and booleans only, reports an unknown flag or a repeated one in its own words (or takes
 * the last value), has no suggestions, and a value that starts with `-` is taken as a
 * value; the checks on top would be most of this file anyway.
 *
 * This folder imports only the duration grammar (src/shared) with the scenario limit, and suggestions, so
 * the CLI and the commands that live outside it (src/live, src/local, src/sizing,
 * src/report) can all import it without a folder cycle.
 */
import { MAX_DURATION_MS } from '../scenarios/duration.ts';
import { durationTermExactMs } from '../shared/duration.ts';
import { didYouMean } from '../scenarios/suggest.ts';

/** The program's name, as every usage line and error starts. */
export const PROGRAM = 'fabric-bft-sim';

/** A bad command line or input file: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind =
  | { readonly type: 'bool' }
  /** Any non-empty text; `expects` says what (`a file name`). */
  | { readonly type: 'string'; readonly expects?: string }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  /** A decimal number from min to max (`above`: min itself excluded). */
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly above?: boolean }
  /** `500ms`, `30s`, `2m`, `1h` (decimals allowed), above zero (or zero too) and at most `maxMs` (default 24h). */
  | { readonly type: 'duration'; readonly maxMs?: number; readonly allowZero?: boolean }
  /** Comma-separated names from `values`, each once. */
  | { readonly type: 'list'; readonly values: readonly string[] }
  /** Comma-separated whole numbers from min to max (`4,7,10`). */
  | { readonly type: 'ints'; readonly min: number; readonly max: number };

/** One flag: how it parses, and what `--help` says of it. */
export type FlagDef = FlagKind & {
  /** One line for the Options list. */
  readonly help: string;
  /** The value's placeholder in help (`FILE`); by default N, X, DURATION, LIST or VALUE. */
  readonly value?: string;
  /** The default, as help shows it (`(default 100)`). */
  readonly default?: string;
  /** A one-letter alias (`n` for `-n`). */
  readonly short?: string;
};

export type FlagSpec = Readonly<Record<string, FlagDef>>;

/** A command's grammar: what it parses and what its `--help` prints (help.ts). */
export interface CommandSpec {
  readonly name: string;
  /** What follows `fabric-bft-sim <name>` on each usage line (`<name|file> [options]`). */
  readonly usage: readonly string[];
  /** One paragraph: what the command does, its arguments, its exit codes. */
  readonly description: string;
  readonly flags: FlagSpec;
  /** Whole command lines, starting with `fabric-bft-sim`. */
  readonly examples: readonly string[];
  /** Refuse `--password`, `--token` and the like (commands that read secrets from a config). */
  readonly refuseSecrets?: boolean;
}

export type FlagValue = boolean | string | number | readonly string[] | readonly number[];

export interface Parsed {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly help: boolean;
  readonly version: boolean;
}

const SECRET_FLAG = /^--?(password|passwd|pass|token|secret|client-secret|bearer|api-key|apikey)(=|$)/i;

/** `fabric-bft-sim run: --seed ...`: one error style; a message may already start with `run: ` (or the whole prefix). */
export function usageLine(command: string, message: string): string {
  for (const prefix of [`${PROGRAM} ${command}: `, `${command}: `]) if (message.startsWith(prefix)) return `${PROGRAM} ${command}: ${message.slice(prefix.length)}`;
  return `${PROGRAM} ${command}: ${message}`;
}

/** Whether argv (before `--`) asks for one of these flags: help and version win over anything else. */
export function asks(argv: readonly string[], names: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (names.includes(a)) return true;
  }
  return false;
}

export function parseArgs(spec: Pick<CommandSpec, 'name' | 'flags' | 'refuseSecrets'>, argv: readonly string[]): Parsed {
  const command = spec.name;
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message}`);
  };
  const shorts = new Map<string, string>();
  for (const [name, def] of Object.entries(spec.flags)) if (def.short !== undefined) shorts.set(`-${def.short}`, name);
  const positionals: string[] = [];
  const flags: Record<string, FlagValue> = {};
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-v' || arg === '--version') {
      version = true;
      continue;
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq < 0 ? arg : arg.slice(0, eq);
    if (spec.refuseSecrets === true && SECRET_FLAG.test(arg)) {
      fail(`${written}: secrets are never taken from the command line; name an environment variable or a file in the config ({ env: NAME } or { file: PATH })`);
    }
    const name = arg.startsWith('--') ? written.slice(2) : shorts.get(written);
    const def = name === undefined ? undefined : spec.flags[name];
    if (name === undefined || def === undefined) {
      const known = [...Object.keys(spec.flags).map((k) => `--${k}`), '--help', '--version'];
      return fail(`unknown option ${written}${didYouMean(written, known)}`);
    }
    if (name in flags) fail(`--${name} is given twice`);
    if (def.type === 'bool') {
      if (eq >= 0) fail(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) fail(`--${name} needs a value (${expectation(def)})`);
      i++;
    }
    flags[name] = valueOf(command, name, def, raw as string);
  }
  return { positionals, flags, help, version };
}

/** What a flag's value must be, in words, for errors. */
export function expectation(kind: FlagKind): string {
  switch (kind.type) {
    case 'bool':
      return 'no value';
    case 'string':
      return kind.expects ?? 'a value';
    case 'int':
      return `a whole number from ${kind.min} to ${kind.max}`;
    case 'number':
      return `a number ${kind.above === true ? 'above' : 'from'} ${kind.min} ${kind.above === true ? 'and at most' : 'to'} ${kind.max}`;
    case 'duration':
      return 'a duration like 500ms, 30s or 10m';
    case 'list':
      return `a comma-separated list of ${kind.values.join(', ')}`;
    case 'ints':
      return `comma-separated whole numbers from ${kind.min} to ${kind.max} (e.g. 4,7,10)`;
  }
}

function formatLimit(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms}ms`;
}

function valueOf(command: string, name: string, kind: FlagKind, raw: string): FlagValue {
  const bad = (): never => {
    throw new UsageError(`${command}: --${name} expects ${expectation(kind)}, got "${raw}"`);
  };
  switch (kind.type) {
    case 'bool':
      return true;
    case 'string':
      if (raw.trim() === '') bad();
      return raw;
    case 'int': {
      if (!/^\d+$/.test(raw)) bad();
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < kind.min || n > kind.max) bad();
      return n;
    }
    case 'number': {
      if (!/^(\d+(\.\d*)?|\.\d+)$/.test(raw.trim())) bad();
      const x = Number(raw);
      if (!Number.isFinite(x) || x > kind.max || (kind.above === true ? x <= kind.min : x < kind.min)) bad();
      return x;
    }
    case 'duration': {
      const ms = durationTermExactMs(raw);
      if (ms === undefined) bad();
      const max = kind.maxMs ?? MAX_DURATION_MS;
      if (kind.allowZero !== true && ms === 0) throw new UsageError(`${command}: --${name} expects a duration above 0, got "${raw}"`);
      if ((ms as number) > max) throw new UsageError(`${command}: --${name} expects a duration of at most ${formatLimit(max)}, got "${raw}"`);
      return raw.trim();
    }
    case 'list': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((it) => it === '')) bad();
      for (const [i, it] of items.entries()) {
        if (!kind.values.includes(it)) throw new UsageError(`${command}: --${name}: unknown value "${it}"${didYouMean(it, kind.values)} (expected ${kind.values.join(', ')})`);
        if (items.indexOf(it) !== i) throw new UsageError(`${command}: --${name}: "${it}" is listed twice`);
      }
      return items;
    }
    case 'ints': {
      const parts = raw.split(',').map((s) => s.trim());
      if (parts.some((s) => !/^\d+$/.test(s))) bad();
      const out = parts.map(Number);
      if (out.some((n) => !Number.isSafeInteger(n) || n < kind.min || n > kind.max)) bad();
      return out;
    }
  }
}

export function num(p: Parsed, name: string): number | undefined {
  const v = p.flags[name];
  return typeof v === 'number' ? v : undefined;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(p: Parsed, name: string): boolean {
  return p.flags[name] === true;
}

export function list(p: Parsed, name: string): readonly string[] | undefined {
  const v = p.flags[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as readonly string[]) : undefined;
}

export function ints(p: Parsed, name: string): readonly number[] | undefined {
  const v = p.flags[name];
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as readonly number[]) : undefined;
}

/** A duration flag in milliseconds (not rounded: size takes `0.1ms`). */
export function ms(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  return v === undefined ? undefined : durationTermExactMs(v);
}

/** The spec with only these flags (one command line, two parsers: compare with and without --target local). */
export function only<S extends Pick<CommandSpec, 'name' | 'flags' | 'refuseSecrets'>>(spec: S, names: readonly string[]): S {
  return { ...spec, flags: Object.fromEntries(Object.entries(spec.flags).filter(([k]) => names.includes(k))) };
}
