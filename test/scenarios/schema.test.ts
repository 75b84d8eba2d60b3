import { describe, expect, it } from 'vitest';
import { BUILTINS, BuiltinParamError } from '../../src/scenarios/builtins/index.ts';
import { parseScenario, scenarioToYaml } from '../../src/scenarios/parse.ts';
import { ScenarioError, validateScenario } from '../../src/scenarios/schema.ts';
import { SCENARIO_BEHAVIOURS } from '../../src/scenarios/simulator.ts';

function errorOf(text: string, options: Parameters<typeof parseScenario>[1] = { file: 's.yaml' }): string {
  try {
    parseScenario(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

const head = 'name: t\nsteps:\n';

describe('scenario files: errors name the place and the fix', () => {
  it('unknown node: path, line:col and the closest name', () => {
    expect(errorOf(`${head}  - heal: true\n  - stop: orderer.dataforg\n`)).toBe(
      's.yaml:4:11: steps[1].stop: unknown node "orderer.dataforg" (did you mean orderer.dataforge?)',
    );
  });

  it('a node the topology does not have lists the ones it has', () => {
    expect(errorOf(`name: t\ntopology: { orderers: 2 }\nsteps:\n  - stop: orderer.org3\n`)).toBe(
      's.yaml:4:11: steps[0].stop: unknown node "orderer.org3": this topology has 2 orderers (orderer.techpulse, orderer.dataforge); raise topology.orderers or --orderers',
    );
  });

  it('malformed YAML gives line and column', () => {
    expect(errorOf(`${head}  - stop: [orderer.techpulse\n  - heal: true\n`)).toMatch(/^s\.yaml:\d+:\d+: malformed YAML: /);
    expect(errorOf('name: t\n  bad: indentation\nsteps: []\n')).toMatch(/^s\.yaml:1:7: malformed YAML: Nested mappings/);
  });

  it('malformed JSON gives line and column too', () => {
    expect(errorOf('{\n  "name": "t",\n  "steps": [ { "heal": true }\n', { file: 's.json' })).toBe('s.json:4:1: malformed JSON: unexpected end of input (expected "," or "]")');
  });

  it('unknown operation suggests the closest one', () => {
    expect(errorOf(`${head}  - stp: orderer.techpulse\n`)).toBe('s.yaml:3:5: steps[0].stp: unknown operation "stp" (did you mean stop?)');
  });

  it('unknown argument key lists the expected ones', () => {
    expect(errorOf(`${head}  - verify: { via: techpulse, certID: A, cert: B }\n`)).toBe(
      's.yaml:3:42: steps[0].verify.cert: unknown key "cert" (did you mean certID?) (expected via, certID)',
    );
  });

  it('misspelt top-level key is reported before the missing one', () => {
    expect(errorOf('name: t\nstep:\n  - heal: true\n')).toBe('s.yaml:2:1: step: unknown key "step" (did you mean steps?) (expected name, description, topology, seed, steps, expectations)');
  });

  it('a step with two operations', () => {
    expect(errorOf(`${head}  - sleep: 5s\n    heal: true\n`)).toBe('s.yaml:4:5: steps[0].heal: a step has one operation, this one has 2 (sleep, heal); split it into steps');
  });

  it('durations: 500ms, 30s, 2m are fine; "5 seconds" is not', () => {
    expect(() => parseScenario(`${head}  - sleep: 500ms\n  - sleep: 30s\n  - sleep: 2m\n`)).not.toThrow();
    expect(errorOf(`${head}  - sleep: 5 seconds\n`)).toBe('s.yaml:3:12: steps[0].sleep: expected a duration like 500ms, 30s or 2m, got "5 seconds"');
    expect(errorOf(`${head}  - sleep: 5\n`)).toBe('s.yaml:3:12: steps[0].sleep: expected a string, got number 5');
  });

  it('references must name an earlier save', () => {
    const text = `${head}  - channelInfo: { peer: peer0.techpulse }\n    save: before\n  - channelInfo: { peer: peer0.techpulse }\n    expect: { height: { gt: $befor.height } }\n`;
    expect(errorOf(text)).toBe('s.yaml:6:29: steps[1].expect.height.gt: unknown reference $befor (did you mean $before?)');
    const later = `${head}  - stop: $x.leader\n  - ordererStatus: { orderer: leader }\n    save: x\n`;
    expect(errorOf(later)).toContain('steps[0].stop: unknown reference $x (no earlier step saves a value)');
  });

  it('a peer operation refuses an orderer, and a one-node operation refuses a many-node selector', () => {
    expect(errorOf(`${head}  - channelInfo: { peer: orderer.techpulse }\n`)).toContain('steps[0].channelInfo.peer: "orderer.techpulse" is not a peer');
    expect(errorOf(`${head}  - ordererStatus: { orderer: followers }\n`)).toContain('selector "followers" names several nodes; ordererStatus needs one');
  });

  it('numbers out of range are named with the range', () => {
    expect(errorOf('name: t\nseed: 1e30\nsteps:\n  - heal: true\n')).toBe('s.yaml:2:7: seed: must be a whole number from 0 to 4294967295, got number 1e+30');
    expect(errorOf('name: t\ntopology: { orderers: 0 }\nsteps:\n  - heal: true\n')).toContain('topology.orderers: must be a whole number from 1 to 100');
  });

  it('empty steps, empty file, not an object', () => {
    expect(errorOf('name: t\nsteps: []\n')).toBe('s.yaml:2:8: steps: a scenario needs at least one step');
    expect(errorOf('')).toBe('s.yaml: the scenario is empty: it needs name and steps');
    expect(errorOf('- 1\n- 2\n')).toBe('s.yaml:1:1: a scenario is an object with name, topology, seed and steps, got a list');
  });

  it('expect: operators are checked (regex, numbers, mixing with fields)', () => {
    expect(errorOf(`${head}  - docCount: { peer: peer0.techpulse }\n    expect: { matches: "([" }\n`)).toContain('steps[0].expect.matches: not a valid pattern: missing closing ]');
    expect(errorOf(`${head}  - docCount: { peer: peer0.techpulse }\n    expect: { gt: many }\n`)).toContain('expected a number or a $reference, got "many"');
    expect(errorOf(`${head}  - channelInfo: { peer: peer0.techpulse }\n    expect: { gt: 1, height: 2 }\n`)).toContain('mixes an operator (gt) with the field "height"');
  });

  it('patterns are RE2: lookaround and backreferences are refused with the syntax that is accepted', () => {
    const syntax = '(patterns use RE2 syntax: no backreferences or lookaround; see https://github.com/google/re2/wiki/Syntax)';
    expect(errorOf(`${head}  - heal: true\n  - waitFor: { log: { node: orderer.dataforge, match: 'committed(?= block)' } }\n`)).toBe(
      `s.yaml:4:55: steps[1].waitFor.log.match: not a valid pattern: lookahead (?= is not supported ${syntax}`,
    );
    expect(errorOf(`${head}  - docCount: { peer: peer0.techpulse }\n    expect: { matches: '(\\d)\\1' }\n`)).toBe(
      `s.yaml:4:24: steps[0].expect.matches: not a valid pattern: backreference \\1 is not supported ${syntax}`,
    );
  });

  it('waitFor needs exactly one of log and caughtUp', () => {
    expect(errorOf(`${head}  - waitFor: { within: 5s }\n`)).toContain('waitFor needs exactly one of log');
  });

  it('Byzantine behaviours are checked against what the target knows', () => {
    const text = `${head}  - byzantine: { node: leader, behaviour: equivocat }\n`;
    expect(errorOf(text, { file: 's.yaml', behaviours: ['silent', 'equivocate', 'censor'] })).toContain('unknown Byzantine behaviour "equivocat" (did you mean equivocate?)');
    expect(() => parseScenario(`${head}  - byzantine: { node: leader, behaviour: "censor:gateway.techpulse" }\n`, { behaviours: ['censor'] })).not.toThrow();
  });

  it('the simulator\'s behaviours are per consensus: Raft\'s corrupt-block is refused on SmartBFT, SmartBFT\'s silent on Raft', () => {
    const options = { file: 's.yaml', behaviours: SCENARIO_BEHAVIOURS };
    expect(errorOf(`${head}  - byzantine: { node: leader, behaviour: corrupt-block }\n`, options)).toContain('unknown Byzantine behaviour "corrupt-block" for SmartBFT orderers');
    expect(errorOf(`name: t\ntopology: { consensus: raft }\nsteps:\n  - byzantine: { node: leader, behaviour: silent }\n`, options)).toContain(
      'unknown Byzantine behaviour "silent" for etcdraft orderers (topology.consensus: raft)',
    );
    expect(() => parseScenario(`name: t\ntopology: { consensus: raft }\nsteps:\n  - byzantine: { node: leader, behaviour: corrupt-block }\n`, options)).not.toThrow();
    expect(() => parseScenario(`${head}  - byzantine: { node: leader, behaviour: censorDeliver }\n`, options)).not.toThrow();
  });

  it('an endorsement policy that does not parse is refused before anything runs', () => {
    expect(errorOf(`name: t\ntopology: { policy: "AND(foo" }\nsteps:\n  - sleep: 1s\n`)).toBe(
      `s.yaml:2:21: topology.policy: cannot parse "AND(foo"; use "MAJORITY Endorsement", OR('Org1MSP.peer', ...), AND(...) or OutOf(n, ...)`,
    );
  });

  it('a __proto__ key (it would be dropped, and the check under it skipped) is refused wherever it is', () => {
    expect(errorOf(`${head}  - verify: { via: techpulse, certID: X }\n    expect: { __proto__: { status: REVOKED } }\n`)).toContain(
      'steps[0].expect.__proto__: "__proto__" is not allowed as a key',
    );
    expect(() => validateScenario(JSON.parse('{"name":"t","steps":[{"sleep":"1s","expect":{"a":{"__proto__":{}}}}]}'))).toThrow(/steps\[0\]\.expect\.a\.__proto__/);
  });

  it('an object (not a file) gets the path without position', () => {
    expect(() => validateScenario({ name: 't', steps: [{ stop: 'nobody' }] })).toThrow('steps[0].stop: unknown node "nobody"');
  });
});

describe('built-in scenarios', () => {
  it('every built-in is a valid scenario for every orderer count it accepts, and survives YAML', () => {
    for (const b of BUILTINS) {
      for (let n = b.minOrderers; n <= 10; n++) {
        const s = b.build({ orderers: n });
        expect(() => validateScenario(s), `${b.name} n=${n}`).not.toThrow();
        expect(parseScenario(scenarioToYaml(s))).toEqual(s);
        expect(s.topology?.orderers).toBe(n);
      }
    }
  });

  it('fault counts scale with f: beyond-f stops n - Q + 1 orderers (f+1, or f+2 when n = 3f+3)', () => {
    const stops = (n: number) => BUILTINS.find((b) => b.name === 'beyond-f')!.build({ orderers: n }).steps.filter((s) => 'stop' in s).length;
    expect([4, 5, 6, 7, 9, 10].map(stops)).toEqual([2, 2, 3, 3, 4, 4]);
  });

  it('a built-in refuses an orderer count its story cannot have', () => {
    const kill = BUILTINS.find((b) => b.name === 'kill-orderer')!;
    expect(() => kill.build({ orderers: 2 })).toThrow(BuiltinParamError);
    expect(() => kill.build({ orderers: 2 })).toThrow('kill-orderer needs --orderers >= 3 (one orderer down must leave a quorum), got 2');
  });
});
