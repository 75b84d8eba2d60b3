import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { runScenario } from '../../src/scenarios/runner.ts';
import { FakeCluster } from './fake-cluster.ts';

const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('documented examples stay valid', () => {
  it('examples/orderer-and-peer-outage.yaml parses and runs to a pass on the fake cluster', async () => {
    const s = parseScenario(read('examples/orderer-and-peer-outage.yaml'));
    expect(s.topology?.orderers).toBe(7);
    const r = await runScenario(s, new FakeCluster({ topology: s.topology! }));
    expect(r.steps.filter((x) => !x.ok)).toEqual([]);
  });

  it('the complete example in docs/scenarios.md is the example file', () => {
    const doc = read('docs/scenarios.md');
    const block = /```yaml\n(name: orderer-and-peer-outage[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    expect(parseScenario(block!)).toEqual(parseScenario(read('examples/orderer-and-peer-outage.yaml')));
  });
});
