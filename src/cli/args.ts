/**
 * Command-line options: `--seed 5` or `--seed=5`, booleans as `--json`. Every bad flag
 * or value is a `UsageError` naming the command, the flag and what it expects.
 */
import { didYouMean } from '../scenarios/suggest.ts';
import { parseDuration } from '../scenarios/duration.ts';
import { UsageError } from './io.ts';

export type FlagKind =
  | { readonly type: 'bool' }
  | { readonly type: 'string'; readonly placeholder: string }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'duration' }
  | { readonly type: 'list'; readonly values: readonly string[] };

export type FlagSpec = Readonly<Record<string, FlagKind>>;

export type FlagValue = boolean | string | number | readonly string[];

export interface Parsed {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly help: boolean;
}

export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): Parsed {
  const positionals: string[] = [];
  const flags: Record<string, FlagValue> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      help = true;
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
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = arg.startsWith('--') ? spec[name] : undefined;
    if (kind === undefined) {
      const known = Object.keys(spec).map((k) => `--${k}`);
      throw new UsageError(`${command}: unknown option ${eq < 0 ? arg : arg.slice(0, eq)}${didYouMean(eq < 0 ? arg : arg.slice(0, eq), [...known, '--help'])}`);
    }
    // A flag given twice is a mistake to point out, not a value to pick silently.
    if (name in flags) throw new UsageError(`${command}: --${name} is given twice`);
    if (kind.type === 'bool') {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value (${expectation(kind)})`);
      i++;
    }
    flags[name] = value(command, name, kind, raw);
  }
  return { positionals, flags, help };
}

function expectation(kind: FlagKind): string {
  switch (kind.type) {
    case 'bool':
      return 'no value';
    case 'string':
      return kind.placeholder;
    case 'int':
      return `a whole number from ${kind.min} to ${kind.max}`;
    case 'duration':
      return 'a duration like 30s or 10m';
    case 'list':
      return `a comma-separated list of ${kind.values.join(', ')}`;
  }
}

function value(command: string, name: string, kind: FlagKind, raw: string): FlagValue {
  const bad = (): never => {
    throw new UsageError(`${command}: --${name} expects ${expectation(kind)}, got "${raw}"`);
  };
  switch (kind.type) {
    case 'bool':
      return true;
    case 'string':
      if (raw === '') bad();
      return raw;
    case 'int': {
      if (!/^\d+$/.test(raw)) bad();
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < kind.min || n > kind.max) bad();
      return n;
    }
    case 'duration': {
      const d = parseDuration(raw);
      if ('error' in d) bad();
      return raw;
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
  return Array.isArray(v) ? (v as readonly string[]) : undefined;
}
