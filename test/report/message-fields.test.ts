/**
 * The message fields the report reads (a send record's `msg`) say what the description
 * (`m`, the text the hash folds) says: checked on real runs against the old reading of the
 * description (type = first word, `v3`/`nv3` = view, `s5` = sequence, `#digest`), which
 * the report no longer does.
 */
import { describe, expect, it } from 'vitest';
import { runBuiltin } from './kill-orderer.ts';

function fromText(m: string): { type: string; view: number | null; seq: number | null; digest: string | null; assist: boolean } {
  const v = /\bn?v(\d+)\b/.exec(m);
  const s = /\bs(\d+)\b/.exec(m);
  const d = /(?:^|\s)#([0-9a-f]+)\b/.exec(m);
  return { type: m.split(/\s+/, 1)[0] ?? m, view: v ? Number(v[1]) : null, seq: s ? Number(s[1]) : null, digest: d ? (d[1] as string) : null, assist: /\bassist\b/.test(m) };
}

describe('send records: fields agree with the description', () => {
  it.each(['byzantine-leader', 'leader-crash'])('%s: every message between orderers', async (name) => {
    const { input } = await runBuiltin(name);
    const orderers = new Set(input.nodes.orderers);
    let n = 0;
    for (const r of input.records) {
      if (r.k !== 'send' || !orderers.has(r.from) || !orderers.has(r.to)) continue;
      n++;
      const f = r.msg;
      expect(f, r.m).toBeDefined();
      const t = fromText(r.m);
      // Submit/FwdRequest name a request id (`client:cert-v1`), which the old reading took for a view.
      if (t.type === 'Submit' || t.type === 'FwdRequest') {
        expect(f?.type).toBe(t.type);
        continue;
      }
      expect({ type: f?.type, view: f?.view ?? null, seq: f?.seq ?? null, digest: f?.digest ?? null, assist: f?.flags?.includes('assist') ?? false }, r.m).toEqual(t);
    }
    expect(n).toBeGreaterThan(100);
  });
});
