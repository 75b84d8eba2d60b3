/** The CouchDB state database layout Fabric writes (statecouchdb). */
import { describe, expect, it } from 'vitest';
import { CouchInstance, decodeVersionField, encodeVersionField, namespaceDbName } from '../../../src/sim/fabric/couchdb.ts';
import { Out } from '../../../src/sim/fabric/effects.ts';

describe('CouchDB documents', () => {
  it('~version is base64(VersionAndMetadata{version}) with order-preserving varints, as the reference examples', () => {
    expect(encodeVersionField({ block: 3, tx: 0 })).toBe('CgMBAwA=');
    expect(encodeVersionField({ block: 6, tx: 0 })).toBe('CgMBBgA=');
    expect(encodeVersionField({ block: 12, tx: 2 })).toBe('CgQBDAEC');
    expect(decodeVersionField('CgQBDAEC')).toEqual({ block: 12, tx: 2 });
    expect(decodeVersionField(encodeVersionField({ block: 70000, tx: 300 }))).toEqual({ block: 70000, tx: 300 });
  });

  it('namespace DB names escape upper case and dots', () => {
    expect(namespaceDbName('certcontract')).toBe('certchannel_certcontract');
    expect(namespaceDbName('_lifecycle')).toBe('certchannel__lifecycle');
    expect(namespaceDbName('My.CC')).toBe('certchannel_$my$$c$c');
  });

  it('doc_count counts live docs and design docs; a delete moves one to doc_del_count; _rev grows', () => {
    const c = new CouchInstance();
    const out = new Out();
    c.createDatabaseIfNotExist('db', out);
    c.putDoc('db', '_design/idx', { language: 'query' }, out);
    c.putState('db', { key: 'k1', value: '{"a":1}' }, { block: 1, tx: 0 }, out);
    c.putState('db', { key: 'k2', value: 'not json' }, { block: 1, tx: 1 }, out);
    expect(c.info('db')).toMatchObject({ doc_count: 3, doc_del_count: 0 });
    const rev1 = c.get('db', 'k1')?._rev ?? '';
    c.putState('db', { key: 'k1', value: '{"a":2}' }, { block: 2, tx: 0 }, out);
    expect(rev1.startsWith('1-')).toBe(true);
    expect(c.get('db', 'k1')).toMatchObject({ _id: 'k1', a: 2, '~version': 'CgMBAgA=' });
    expect(c.get('db', 'k1')?._rev.startsWith('2-')).toBe(true);
    expect(c.get('db', 'k2')).toMatchObject({ _attachments: { valueBytes: { data: Buffer.from('not json').toString('base64') } } });
    c.putState('db', { key: 'k2', value: null }, { block: 3, tx: 0 }, out);
    expect(c.info('db')).toMatchObject({ doc_count: 2, doc_del_count: 1 });
    expect(out.list).toContainEqual({ kind: 'emit', event: { type: 'log', kind: 'couchdb.created', args: ['db'] } });
  });
});
