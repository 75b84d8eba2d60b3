/**
 * Endorsement policies: the channel's `ImplicitMeta "MAJORITY Endorsement"` and
 * chaincode signature policies `OR(...)`, `AND(...)`, `OutOf(n, ...)` over org peers
 * (common/policies/implicitmeta.go, common/cauthdsl). An org principal is written
 * `'TechpulseMSP.peer'`, `'techpulse.peer'` or just `techpulse`.
 *
 * MAJORITY threshold = floor(orgs / 2) + 1: with 2 orgs both must endorse, with 3 orgs 2.
 */
import { mspId } from '../../shared/names.ts';

export { DEFAULT_POLICY, mspId } from '../../shared/names.ts';

export type Policy =
  | { readonly kind: 'implicitMeta'; readonly rule: 'MAJORITY' | 'ANY' | 'ALL' }
  | { readonly kind: 'signedBy'; readonly org: string }
  | { readonly kind: 'outOf'; readonly n: number; readonly of: readonly Policy[] };

function orgOfPrincipal(p: string, orgs: readonly string[]): string {
  const raw = p.trim().replace(/^['"]|['"]$/g, '');
  const base = raw.replace(/\.(peer|member|admin|client)$/i, '');
  for (const o of orgs) {
    if (base.toLowerCase() === o.toLowerCase() || base.toLowerCase() === mspId(o).toLowerCase()) return o;
  }
  throw new Error(`endorsement policy: unknown org principal '${raw}' (known orgs: ${orgs.join(', ')})`);
}

/** Split `a, b(c, d), e` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** Parse a policy string against the channel's orgs; throws one clear error on bad input. */
export function parsePolicy(text: string, orgs: readonly string[]): Policy {
  const t = text.trim();
  const meta = /^(MAJORITY|ANY|ALL)\s+Endorsement$/i.exec(t);
  if (meta) return { kind: 'implicitMeta', rule: (meta[1] as string).toUpperCase() as 'MAJORITY' | 'ANY' | 'ALL' };
  const call = /^(OR|AND|OutOf)\s*\((.*)\)$/i.exec(t);
  if (call) {
    const op = (call[1] as string).toUpperCase();
    const args = splitArgs(call[2] as string);
    if (args.length === 0) throw new Error(`endorsement policy: ${op}() needs at least one principal, in "${text}"`);
    const sub = (a: string): Policy => (/^(OR|AND|OutOf)\s*\(/i.test(a) ? parsePolicy(a, orgs) : { kind: 'signedBy', org: orgOfPrincipal(a, orgs) });
    if (op === 'OR') return { kind: 'outOf', n: 1, of: args.map(sub) };
    if (op === 'AND') return { kind: 'outOf', n: args.length, of: args.map(sub) };
    const n = Number(args[0]);
    const rest = args.slice(1);
    if (!Number.isInteger(n) || n < 1 || n > rest.length) {
      throw new Error(`endorsement policy: OutOf needs 1 <= n <= ${rest.length} principals, got "${args[0] ?? ''}" in "${text}"`);
    }
    return { kind: 'outOf', n, of: rest.map(sub) };
  }
  throw new Error(`endorsement policy: cannot parse "${text}"; use "MAJORITY Endorsement", OR('Org1MSP.peer', ...), AND(...) or OutOf(n, ...)`);
}

export interface PolicyEvaluation {
  readonly ok: boolean;
  /** Fabric's failure text when not ok. */
  readonly error?: string;
}

/** The endorsing orgs: a set of org names, or endorsements (each with its org). */
export type EndorsingOrgs = ReadonlySet<string> | readonly { readonly org: string }[];

function endorses(endorsing: EndorsingOrgs, org: string): boolean {
  if (!Array.isArray(endorsing)) return (endorsing as ReadonlySet<string>).has(org);
  for (let i = 0; i < endorsing.length; i++) if ((endorsing[i] as { readonly org: string }).org === org) return true;
  return false;
}

/** An implicit meta policy's threshold over `n` orgs. */
function implicitNeed(rule: 'MAJORITY' | 'ANY' | 'ALL', n: number): number {
  return rule === 'ANY' ? 1 : rule === 'ALL' ? n : Math.floor(n / 2) + 1;
}

/** Orgs of `orgs` that endorse. */
function satisfiedOrgs(endorsing: EndorsingOrgs, orgs: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < orgs.length; i++) if (endorses(endorsing, orgs[i] as string)) n++;
  return n;
}

/**
 * `evaluatePolicy(...).ok`, with nothing built: the gateway asks it after every endorsement
 * and while it plans a layout, every peer for every transaction it validates.
 */
export function policyMet(p: Policy, endorsing: EndorsingOrgs, orgs: readonly string[]): boolean {
  switch (p.kind) {
    case 'implicitMeta':
      return satisfiedOrgs(endorsing, orgs) >= implicitNeed(p.rule, orgs.length);
    case 'signedBy':
      return endorses(endorsing, p.org);
    case 'outOf': {
      let met = 0;
      for (const s of p.of) if (policyMet(s, endorsing, orgs)) met++;
      return met >= p.n;
    }
  }
}

/** Does a set of endorsing orgs satisfy the policy? */
export function evaluatePolicy(p: Policy, endorsingOrgs: EndorsingOrgs, orgs: readonly string[]): PolicyEvaluation {
  switch (p.kind) {
    case 'implicitMeta': {
      const satisfied = satisfiedOrgs(endorsingOrgs, orgs);
      const need = implicitNeed(p.rule, orgs.length);
      if (satisfied >= need) return { ok: true };
      return {
        ok: false,
        error: `implicit policy evaluation failed - ${satisfied} sub-policies were satisfied, but this policy requires ${need} of the 'Endorsement' sub-policies to be satisfied`,
      };
    }
    case 'signedBy':
      return endorses(endorsingOrgs, p.org) ? { ok: true } : { ok: false, error: 'signature set did not satisfy policy' };
    case 'outOf': {
      return policyMet(p, endorsingOrgs, orgs) ? { ok: true } : { ok: false, error: 'signature set did not satisfy policy' };
    }
  }
}
