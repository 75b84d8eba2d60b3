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

/** The running FNV-1a state of the walk in progress (the walk never re-enters). */
let h = 0;

function unit(c: number): void {
  h = Math.imul(h ^ c, FNV_PRIME);
}

function ascii(s: string): void {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
}

/** A JSON string literal: quotes, `\"`, `\\`, short escapes, `\u00xx`, lone surrogates as `\udxxx`. */
function quoted(s: string): void {
  h = Math.imul(h ^ 34, FNV_PRIME);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92 && (c < 0xd800 || c > 0xdfff)) {
      h = Math.imul(h ^ c, FNV_PRIME);
    } else if (c === 34 || c === 92) {
      unit(92);
      unit(c);
    } else if (c < 0x20) {
      unit(92);
      if (c === 8) unit(98);
      else if (c === 9) unit(116);
      else if (c === 10) unit(110);
      else if (c === 12) unit(102);
      else if (c === 13) unit(114);
      else {
        ascii('u00');
        unit(HEX.charCodeAt(c >> 4));
        unit(HEX.charCodeAt(c & 15));
      }
    } else {
      // A surrogate: a well-formed pair passes as is, a lone one is escaped.
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        unit(c);
        unit(d);
        i++;
      } else {
        unit(92);
        unit(117);
        for (let k = 12; k >= 0; k -= 4) unit(HEX.charCodeAt((c >> k) & 15));
      }
    }
  }
  h = Math.imul(h ^ 34, FNV_PRIME);
}

/** Folds `v` as JSON.stringify writes it; false when it writes nothing (undefined, a function, a symbol). */
function value(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      quoted(v);
      return true;
    case 'number':
      if (Number.isFinite(v)) {
        if (Number.isSafeInteger(v) && v >= 0 && v < 10) unit(48 + v);
        else ascii(String(v));
      } else ascii('null');
      return true;
    case 'boolean':
      ascii(v ? 'true' : 'false');
      return true;
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
    case 'object': {
      if (v === null) {
        ascii('null');
        return true;
      }
      if (depth > MAX_DEPTH) throw BAIL;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Array.prototype) {
        const a = v as readonly unknown[];
        if ((a as { toJSON?: unknown }).toJSON !== undefined) throw BAIL;
        unit(91);
        for (let i = 0; i < a.length; i++) {
          if (i > 0) unit(44);
          if (!value(a[i], depth + 1)) ascii('null');
        }
        unit(93);
        return true;
      }
      if (proto !== Object.prototype && proto !== null) throw BAIL;
      const o = v as Readonly<Record<string, unknown>>;
      if (o['toJSON'] !== undefined) throw BAIL;
      unit(123);
      let first = true;
      const keys = Object.keys(o);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const x = o[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        if (!first) unit(44);
        first = false;
        quoted(k);
        unit(58);
        value(x, depth + 1);
      }
      unit(125);
      return true;
    }
    default:
      // bigint: JSON.stringify throws; let it.
      throw BAIL;
  }
}

/** `hash32(JSON.stringify(v))`, bit for bit, for any `v` JSON.stringify turns into text. */
export function jsonHash32(v: unknown): number {
  h = FNV_OFFSET;
  try {
    if (value(v, 0)) return fmix32(h);
  } catch (e) {
    if (e !== BAIL) throw e;
  }
  return hash32(JSON.stringify(v) as string);
}
