/**
 * Scenario files with several problems list them all (one per line, with line:col),
 * `.json` files are read as JSON, and node-like names get node suggestions.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/parse.ts';
import { ScenarioError, validateScenario } from '../../src/scenarios/schema.ts';

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario errors: every problem, one per line', () => {
  it('a bad seed and three bad steps: four lines, each file:line:col: path: message', () => {
    const text = 'name: t\nseed: -1\nsteps:\n  - stop: orderer.x\n  - start: peer9\n  - sleep: bogus\n';
    const e = errorOf(() => parseScenario(text, { file: 'm.yaml' }));
    expect(e.message.split('\n')).toEqual([
      'm.yaml:2:7: seed: must be a whole number from 0 to 4294967295, got number -1',
      'm.yaml:4:11: steps[0].stop: unknown node "orderer.x" (this topology has orderer.techpulse, orderer.dataforge, orderer.org3, orderer.ordering)',
      'm.yaml:5:12: steps[1].start: unknown node "peer9" (did you mean peers?)',
      'm.yaml:6:12: steps[2].sleep: expected a duration like 500ms, 30s or 2m, got "bogus"',
    ]);
    expect(e.more).toBe(3);
  });

  it('more than 10 problems: the first 10, then "... and N more"', () => {
    const steps = Array.from({ length: 14 }, (_, i) => `  - sleep: bad${i}\n`).join('');
    const e = errorOf(() => parseScenario(`name: t\nsteps:\n${steps}`, { file: 'x.yaml' }));
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('x.yaml:3:12: steps[0].sleep: expected a duration like 500ms, 30s or 2m, got "bad0"');
    expect(lines[9]).toBe('x.yaml:12:12: steps[9].sleep: expected a duration like 500ms, 30s or 2m, got "bad9"');
    expect(lines[10]).toBe('... and 4 more');
    expect(e.more).toBe(13);
  });

  it('validateScenario (no text) lists the paths of every problem', () => {
    const e = errorOf(() => validateScenario({ name: 't', steps: [{ sleep: 'x' }, { stop: 'peer0.nope' }] }));
    expect(e.message.split('\n')).toHaveLength(2);
    expect(e.message.split('\n')[1]).toMatch(/^steps\[1\]\.stop: unknown node "peer0\.nope"/);
  });
});

describe('scenario files: .json is JSON', () => {
  it('a trailing comma is an error with its line and column (YAML would accept it)', () => {
    const text = '{\n  "name": "t",\n  "steps": [ {"heal": true}, ]\n}\n';
    expect(errorOf(() => parseScenario(text, { file: 's.json' })).message).toBe('s.json:3:30: malformed JSON: unexpected "]" (a trailing comma?)');
    expect(() => parseScenario(text, { file: 's.yaml' })).not.toThrow();
  });

  it('valid JSON parses, and its schema errors have positions', () => {
    expect(parseScenario('{"name": "t", "steps": [{"heal": true}]}', { file: 'ok.json' })).toEqual({ name: 't', steps: [{ heal: true }] });
    expect(errorOf(() => parseScenario('{"name": "t",\n "steps": [{"stop": "orderer.dataforg"}]}', { file: 'e.json' })).message).toBe(
      'e.json:2:21: steps[0].stop: unknown node "orderer.dataforg" (did you mean orderer.dataforge?)',
    );
  });

  it('other JSON syntax errors: position of the first bad token', () => {
    expect(errorOf(() => parseScenario('{"name": "t",\n "steps": [{"heal": tru}]}', { file: 'b.json' })).message).toMatch(/^b\.json:2:21: malformed JSON: unexpected "t"/);
    expect(errorOf(() => parseScenario('{"name" "t"}', { file: 'c.json' })).message).toBe('c.json:1:9: malformed JSON: unexpected "\\"" (expected ":")');
  });
});

describe('suggestions: a dotted name is a node id', () => {
  it('"orderer.dataforg" suggests the node; "orderer.x" does not suggest the selector "orderers"', () => {
    const msg = errorOf(() => parseScenario('name: t\nsteps:\n  - stop: orderer.x\n')).message;
    expect(msg).not.toContain('did you mean orderers');
    expect(msg).toContain('this topology has orderer.techpulse');
    expect(errorOf(() => parseScenario('name: t\nsteps:\n  - stop: orderes\n')).message).toContain('(did you mean orderers?)');
  });
});
