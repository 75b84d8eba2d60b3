/**
 * `hash32(JSON.stringify(value))` without building the JSON text: the trace folds every
 * emitted event this way (see `Trace`), and building a string per event only to hash it
 * cost more than the hash. The walk feeds FNV-1a the exact UTF-16 code units
 * `JSON.stringify` would produce (same key order, escapes, number text, omitted members),
 * so the hash is the same bit for bit. Anything beyond plain data (a `toJSON`, a class
 * instance, a Map, a BigInt, a cycle, very deep nesting) takes the exact slow path:
 * `hash32(JSON.stringify(value))`, which also throws where JSON.stringify throws.
 */
import { fmix32, hash32 } from '../../shared/hash.ts';

const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;
/** Deeper than this, let JSON.stringify decide (it also finds cycles). */
const MAX_DEPTH = 64;
const HEX = '0123456789abcdef';

/** Thrown inside the walk when the value is not plain data; caught by `jsonHash32`. */
const BAIL = new Error('json-hash: not plain data');

// The FNV-1a state is threaded through the walk as an argument and a return value: a
// module-level variable would be loaded and stored (with its TDZ check) for every code unit.

function ascii(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** A JSON string literal: quotes, `\"`, `\\`, short escapes, `\u00xx`, lone surrogates as `\udxxx`. */
function quoted(h: number, s: string): number {
  h = Math.imul(h ^ 34, FNV_PRIME);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92 && (c < 0xd800 || c > 0xdfff)) {
      h = Math.imul(h ^ c, FNV_PRIME);
    } else {
      h = escaped(h, s, i, c);
      // A well-formed surrogate pair is written as two units: skip the second.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) i++;
    }
  }
  return Math.imul(h ^ 34, FNV_PRIME);
}

/** The rare code units of `quoted`: escapes, and surrogates (a pair passes as is, a lone one is escaped). */
function escaped(h: number, s: string, i: number, c: number): number {
  if (c === 34 || c === 92) return Math.imul(Math.imul(h ^ 92, FNV_PRIME) ^ c, FNV_PRIME);
  if (c < 0x20) {
    h = Math.imul(h ^ 92, FNV_PRIME);
    if (c === 8) return Math.imul(h ^ 98, FNV_PRIME);
    if (c === 9) return Math.imul(h ^ 116, FNV_PRIME);
    if (c === 10) return Math.imul(h ^ 110, FNV_PRIME);
    if (c === 12) return Math.imul(h ^ 102, FNV_PRIME);
    if (c === 13) return Math.imul(h ^ 114, FNV_PRIME);
    h = ascii(h, 'u00');
    h = Math.imul(h ^ HEX.charCodeAt(c >> 4), FNV_PRIME);
    return Math.imul(h ^ HEX.charCodeAt(c & 15), FNV_PRIME);
  }
  const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
  if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) return Math.imul(Math.imul(h ^ c, FNV_PRIME) ^ d, FNV_PRIME);
  h = Math.imul(Math.imul(h ^ 92, FNV_PRIME) ^ 117, FNV_PRIME);
  for (let k = 12; k >= 0; k -= 4) h = Math.imul(h ^ HEX.charCodeAt((c >> k) & 15), FNV_PRIME);
  return h;
}

/** A non-negative integer below 1e9: its decimal digits, as `String(v)` writes them, without building the text. */
function digits(h: number, v: number): number {
  let p = 1;
  while (p * 10 <= v) p *= 10;
  for (; p >= 1; p = (p / 10) | 0) {
    const d = (v / p) | 0;
    h = Math.imul(h ^ (48 + d), FNV_PRIME);
    v -= d * p;
  }
  return h;
}

/** Whether JSON.stringify writes nothing for `v` as a member (undefined, a function, a symbol). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** Folds `v` (not `omitted`) as JSON.stringify writes it. */
function value(h: number, v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return quoted(h, v);
    case 'number':
      if (Number.isInteger(v) && v >= 0 && v < 1e9) return digits(h, v);
      return ascii(h, Number.isFinite(v) ? String(v) : 'null');
    case 'boolean':
      return ascii(h, v ? 'true' : 'false');
    case 'object': {
      if (v === null) return ascii(h, 'null');
      if (depth > MAX_DEPTH) throw BAIL;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Array.prototype) {
        const a = v as readonly unknown[];
        if ((a as { toJSON?: unknown }).toJSON !== undefined) throw BAIL;
        h = Math.imul(h ^ 91, FNV_PRIME);
        for (let i = 0; i < a.length; i++) {
          if (i > 0) h = Math.imul(h ^ 44, FNV_PRIME);
          const x = a[i];
          h = omitted(x) ? ascii(h, 'null') : value(h, x, depth + 1);
        }
        return Math.imul(h ^ 93, FNV_PRIME);
      }
      if (proto !== Object.prototype && proto !== null) throw BAIL;
      const o = v as Readonly<Record<string, unknown>>;
      if (o['toJSON'] !== undefined) throw BAIL;
      h = Math.imul(h ^ 123, FNV_PRIME);
      let first = true;
      const keys = Object.keys(o);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const x = o[k];
        if (omitted(x)) continue;
        if (!first) h = Math.imul(h ^ 44, FNV_PRIME);
        first = false;
        h = quoted(h, k);
        h = Math.imul(h ^ 58, FNV_PRIME);
        h = value(h, x, depth + 1);
      }
      return Math.imul(h ^ 125, FNV_PRIME);
    }
    default:
      // bigint: JSON.stringify throws; let it.
      throw BAIL;
  }
}

/** `hash32(JSON.stringify(v))`, bit for bit, for any `v` JSON.stringify turns into text. */
export function jsonHash32(v: unknown): number {
  if (!omitted(v)) {
    try {
      return fmix32(value(FNV_OFFSET, v, 0));
    } catch (e) {
      if (e !== BAIL) throw e;
    }
  }
  return hash32(JSON.stringify(v) as string);
}
