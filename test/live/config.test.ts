import { describe, expect, test } from 'vitest';
import { buildLiveConfig, loadLiveConfig, parseLiveConfig } from '../../src/live/config.ts';
import { EXAMPLE, exampleDoc } from './helpers.ts';

describe('live config', () => {
  test('the shipped example describes the lab cluster: 4 consenters in id order, 3 orgs, Argo CD apps per namespace', () => {
    const c = loadLiveConfig(EXAMPLE);
    expect(c.topology.orderers).toEqual(['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering']);
    expect(c.topology.peersByOrg).toEqual({ techpulse: ['peer0.techpulse'], dataforge: ['peer0.dataforge'], org3: ['peer0.org3'] });
    expect(c.nodes['orderer.dataforge']).toMatchObject({ namespace: 'certchain-dataforge', deployment: 'orderer', consenterId: 2 });
    expect(c.nodes['peer0.techpulse']).toMatchObject({ couchdb: 'couchdb.techpulse' });
    expect(c.argocd.applications['certchain-dataforge']).toBe('certchain-dataforge');
    expect(c.keycloak.clientId).toBe('course-manager-ui');
    expect(c.oc.timeout).toBe(30_000);
  });

  test("a second peer of an org defaults to its own CouchDB (couchdb1.<org>), as the model names it", () => {
    const doc = exampleDoc();
    const nodes = doc['nodes'] as Record<string, Record<string, unknown>>;
    nodes['peer1.techpulse'] = { namespace: 'certchain-techpulse', deployment: 'peer1' };
    nodes['couchdb1.techpulse'] = { namespace: 'certchain-techpulse', deployment: 'couchdb1' };
    const c = buildLiveConfig(doc, 'c.yaml', '.');
    expect(c.nodes['peer1.techpulse']).toMatchObject({ couchdb: 'couchdb1.techpulse' });
    expect(c.topology.peersByOrg['techpulse']).toEqual(['peer0.techpulse', 'peer1.techpulse']);
  });

  test('a password written as a value is refused, with the path and the fix', () => {
    const doc = exampleDoc();
    (doc['orgs'] as Record<string, Record<string, unknown>>)['techpulse']!['password'] = 'admin';
    expect(() => buildLiveConfig(doc, 'c.yaml', '.')).toThrow('c.yaml: orgs.techpulse.password: a secret must be { env: VARIABLE } or { file: PATH } (never the value itself)');
  });

  test('unknown keys, bad durations and unknown couchdb references are named', () => {
    const doc = exampleDoc();
    doc['oc'] = { path: 'oc', timeout: 'soon' };
    expect(() => buildLiveConfig(doc, 'c.yaml', '.')).toThrow('c.yaml: oc.timeout: "soon" is not a duration');
    const doc2 = exampleDoc();
    (doc2['nodes'] as Record<string, Record<string, unknown>>)['peer0.org3']!['couchdb'] = 'couchdb.nowhere';
    expect(() => buildLiveConfig(doc2, 'c.yaml', '.')).toThrow('nodes.peer0.org3.couchdb: "couchdb.nowhere" is not a node');
    const doc3 = exampleDoc();
    doc3['colour'] = 'blue';
    expect(() => buildLiveConfig(doc3, 'c.yaml', '.')).toThrow(/c\.yaml: .*colour/);
  });

  test('malformed YAML: one clean line, file:line:col: what is wrong (no repeated position, no trailing colon)', () => {
    const cases: [string, string][] = [
      ['channel: [certchannel\nfoo: 1\n', 'c.yaml:2:1: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
      ['a: 1\na: 2\n', 'c.yaml:2:1: malformed YAML: Map keys must be unique'],
    ];
    for (const [text, msg] of cases) {
      let got = '';
      try {
        parseLiveConfig(text, 'c.yaml', '.');
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got).toBe(msg);
    }
  });

  test('malformed YAML gives line and column', () => {
    expect(() => parseLiveConfig('channel: certchannel\napi: [oops\n', 'c.yaml', '.')).toThrow(/^c\.yaml:\d+:\d+: malformed YAML/);
  });
});
