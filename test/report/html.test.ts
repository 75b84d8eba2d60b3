import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import { renderReport } from '../../src/report/html.ts';
import { reportHtml } from '../../src/report/cli.ts';
import type { ReportInput } from '../../src/report/data.ts';
import { runToy } from './toy.ts';

/** The JSON the page reads, parsed back out of the HTML. */
function pageJson(html: string): Record<string, unknown> {
  const m = /<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('no report-data script');
  return JSON.parse(m[1] as string) as Record<string, unknown>;
}

describe('HTML report: one self-contained file', () => {
  const html = renderReport(runToy('orderer.dataforge').input);

  it('loads nothing from the network: no src/href attributes, no URLs but the SVG namespace', () => {
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    const urls = html.match(/https?:\/\/[^\s'"<>)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('carries the run as data: steps, series, faults and packed messages (9 numbers each)', () => {
    const d = pageJson(html);
    expect(d['scenario']).toBe('toy-kill-orderer');
    expect((d['steps'] as unknown[]).length).toBe(3);
    expect((d['committed'] as unknown[]).length).toBe(4);
    expect((d['faults'] as { kind: string }[]).map((f) => f.kind)).toEqual(['crash']);
    const msgs = d['msgs'] as number[];
    expect(msgs.length % 9).toBe(0);
    expect(msgs.length / 9).toBeGreaterThan(100);
    for (let i = 9; i < msgs.length; i += 9) expect(msgs[i]).toBeGreaterThanOrEqual(msgs[i - 9] as number);
  });
});

describe('reportHtml: the call run --report makes', () => {
  it('builds the page from a result, the trace and the topology, with n, f, Q from the orderer count', () => {
    const { input } = runToy('orderer.dataforge');
    const d = pageJson(reportHtml(input.result, input.records, { orderers: input.nodes.orderers, peers: input.nodes.peers }));
    expect(d['quorum']).toEqual({ n: 4, f: 1, q: 3, intersection: 2 });
    expect(d['orderers']).toEqual(input.nodes.orderers);
  });
});

describe('HTML report: hostile names and texts stay data', () => {
  const evil = '</script><img src=x onerror=alert(1)>';
  const records: TraceRecord[] = [
    { t: 1, k: 'fault', fault: 'partition', groups: [[evil], ['o2']], text: `partition ${evil}` },
    { t: 2, k: 'send', id: 1, from: evil, to: 'o2', m: `Prepare v0 s1 ${evil}`, msg: { type: `Prepare ${evil}`, view: 0, seq: 1 } },
    { t: 3, k: 'deliver', id: 1, from: evil, to: 'o2', m: `Prepare v0 s1 ${evil}` },
    { t: 4, k: 'fault', fault: 'heal', text: 'heal \u2028' },
  ];
  const input: ReportInput = {
    result: { scenario: `<b>${evil}</b>`, seed: 1, target: 'sim', passed: false, traceHash: '0', steps: [{ op: 'x', name: evil, ok: false, error: evil, at: 2 }] },
    records,
    nodes: { orderers: [evil, 'o2'], peers: [] },
    quorum: { n: 2, f: 0, q: 2 },
  };
  const html = renderReport(input);

  it('never lets a node name, step or note close the script or add an element', () => {
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script>/g)?.length).toBe(2);
    expect(html).toContain('<title>fabric-bft-sim report: &lt;b&gt;&lt;/script&gt;&lt;img');
  });

  it('the data round-trips unchanged through the escaped JSON', () => {
    const d = pageJson(html);
    expect(d['orderers']).toEqual([evil, 'o2']);
    expect((d['faults'] as { label: string }[])[0]?.label).toBe(`partition ${evil}`);
    expect((d['steps'] as { name: string }[])[0]?.name).toBe(evil);
  });
});

describe('HTML report: a long run stays small', () => {
  it('12,000 consensus messages pack to under 70 bytes each', () => {
    const orderers = ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'];
    const records: TraceRecord[] = [];
    for (let id = 1; id <= 12_000; id++) {
      const from = orderers[id % 4] as string;
      const to = orderers[(id + 1) % 4] as string;
      const m = `Prepare v0 s${Math.floor(id / 12)}`;
      records.push({ t: id, k: 'send', id, from, to, m, msg: { type: 'Prepare', view: 0, seq: Math.floor(id / 12) } }, { t: id + 2.5, k: 'deliver', id, from, to, m });
    }
    const html = renderReport({
      result: { scenario: 'long', seed: 1, target: 'sim', passed: true, traceHash: '0', steps: [] },
      records,
      nodes: { orderers, peers: [] },
      quorum: { n: 4, f: 1, q: 3 },
    });
    expect((pageJson(html)['msgs'] as number[]).length).toBe(12_000 * 9);
    expect(html.length).toBeLessThan(12_000 * 70);
  });
});

describe('reportHtml: the replay command in the header', () => {
  it('is the caller\'s own when given (run knows the file path), else derived from the scenario name', () => {
    const { input } = runToy('orderer.dataforge');
    const topo = { orderers: input.nodes.orderers, peers: input.nodes.peers };
    const given = 'fabric-bft-sim run examples/toy.yaml --seed 1';
    expect(pageJson(reportHtml(input.result, input.records, topo, given))['replay']).toBe(given);
    expect(pageJson(reportHtml(input.result, input.records, topo))['replay']).toBe('fabric-bft-sim run <the file of scenario "toy-kill-orderer"> --seed 7');
  });
});
