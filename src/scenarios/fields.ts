/**
 * The zod fields scenario documents are built from (a non-empty text, a date, a node id, a
 * whole number in a range) and the limits that keep a scenario reasonable. Shared by the
 * top-level schema (schema.ts) and the operation table (operations.ts).
 */
import { z } from 'zod';

/** Limits that keep a scenario reasonable (and the fuzzer's huge numbers out). */
export const LIMITS = { steps: 10_000, orderers: 100, peersPerOrg: 8, orgs: 10, loadCount: 100_000, nesting: 64 } as const;

const DATE_RE = /^\d{4}-\d\d-\d\d$/;

export const text = (max = 256) => z.string().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });
export const date = z.string().regex(DATE_RE, { error: 'expected a date YYYY-MM-DD' });
export const via = text(64);
/** A whole number in [min, max], with one message for every way of missing it. */
export const intIn = (min: number, max: number) =>
  z
    .number()
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: `must be a whole number from ${min} to ${max}` })
    // The refinement is invisible to z.toJSONSchema; the metadata says it to editors.
    .meta({ type: 'integer', minimum: min, maximum: max });
export const node = text(128);
