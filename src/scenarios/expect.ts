/**
 * `expect` and `$references`: resolving saved values into a step's arguments, and
 * checking a step's value against what the scenario expects.
 *
 * An expected object matches field by field (fields not named are not checked); an
 * operator object (`{ gt: 3 }`, `{ gte }`, `{ lt }`, `{ lte }`, `{ equals }`,
 * `{ matches: PATTERN }`, RE2 syntax: see pattern.ts) applies its operators to the value
 * at that place; any other value must be equal.
 */
import { describeValue } from './duration.ts';
import { compilePattern } from './pattern.ts';
import { EXPECT_OPERATORS, parseRef } from './schema.ts';

export type Vars = ReadonlyMap<string, unknown>;

/** The value a reference names; throws a one-line Error when the saved value lacks the field. */
export function lookup(ref: string, vars: Vars): unknown {
  const r = parseRef(ref);
  if (r === undefined) throw new Error(`"${ref}" is not a reference`);
  if (!vars.has(r.name)) throw new Error(`reference $${r.name}: no step has saved a value under that name yet`);
  let v: unknown = vars.get(r.name);
  let at = `$${r.name}`;
  for (const f of r.fields) {
    if (v === null || typeof v !== 'object' || !(f in v)) {
      const fields = v !== null && typeof v === 'object' ? Object.keys(v) : [];
      throw new Error(`reference ${at}.${f}: ${at} has no field "${f}"${fields.length > 0 ? ` (fields: ${fields.join(', ')})` : ` (it is ${describeValue(v)})`}`);
    }
    v = (v as Record<string, unknown>)[f];
    at += `.${f}`;
  }
  return v;
}

/** A copy of `value` with every `$reference` replaced by the saved value (`$$x` becomes `$x`). */
export function resolveRefs(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('$$')) return value.slice(1);
    if (value.startsWith('$')) return lookup(value, vars);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveRefs(v, vars);
    return out;
  }
  return value;
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => (EXPECT_OPERATORS as readonly string[]).includes(k));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function at(path: string): string {
  return path === '' ? '' : `${path}: `;
}

/**
 * Check `actual` against an already-resolved `expected`. Returns undefined when it
 * matches, or a one-line reason (`height: expected > 7, got 7`).
 */
export function mismatch(actual: unknown, expected: unknown, path = ''): string | undefined {
  if (isOperatorObject(expected)) {
    for (const [op, want] of Object.entries(expected)) {
      const r = applyOperator(op, actual, want);
      if (r !== undefined) return `${at(path)}${r}`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at(path)}expected a list, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${at(path)}expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const r = mismatch(actual[i], expected[i], `${path}[${i}]`);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${at(path)}expected an object, got ${show(actual)}`;
    for (const [k, want] of Object.entries(expected)) {
      const r = mismatch((actual as Record<string, unknown>)[k], want, path === '' ? k : `${path}.${k}`);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${at(path)}expected ${show(expected)}, got ${show(actual)}`;
}

const SYMBOL: Readonly<Record<string, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

function applyOperator(op: string, actual: unknown, want: unknown): string | undefined {
  switch (op) {
    case 'equals':
      return deepEqual(actual, want) ? undefined : `expected exactly ${show(want)}, got ${show(actual)}`;
    case 'matches': {
      const text = typeof actual === 'string' ? actual : JSON.stringify(actual) ?? '';
      return compilePattern(String(want)).test(text) ? undefined : `expected to match /${String(want)}/, got ${show(actual)}`;
    }
    default: {
      if (typeof want !== 'number') return `${op}: expected a number to compare with, got ${show(want)}`;
      if (typeof actual !== 'number') return `expected a number ${SYMBOL[op] ?? op} ${want}, got ${show(actual)}`;
      const ok = op === 'gt' ? actual > want : op === 'gte' ? actual >= want : op === 'lt' ? actual < want : actual <= want;
      return ok ? undefined : `expected ${SYMBOL[op] ?? op} ${want}, got ${actual}`;
    }
  }
}
