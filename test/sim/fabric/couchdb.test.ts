/** The CouchDB state database layout Fabric writes (statecouchdb). */
import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
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

  fcTest.prop([fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 2 ** 32 })])(
    '~version of any height is the protobuf bytes in base64, and decodes back (built without Buffer)',
    (block, tx) => {
      // The encoding written out with Buffer: tag, length, then each varuint's length and big-endian bytes.
      const varuint = (n: number): number[] => {
        const be: number[] = [];
        for (let v = n; v > 0; v = Math.floor(v / 256)) be.unshift(v % 256);
        return [be.length, ...be];
      };
      const body = [...varuint(block), ...varuint(tx)];
      const expected = Buffer.from([0x0a, body.length, ...body]).toString('base64');
      expect(encodeVersionField({ block, tx })).toBe(expected);
      expect(decodeVersionField(expected)).toEqual({ block, tx });
    },
  );

  it('_rev and ~version of a write are pinned (built from char tables, they stay the strings they were)', () => {
    const c = new CouchInstance();
    const out = new Out();
    c.createDatabaseIfNotExist('db', out);
    c.putState('db', { key: 'k5', value: JSON.stringify({ i: 5 }) }, { block: 4885, tx: 5 }, out);
    expect(c.stored('db', 'k5')).toMatchObject({ _rev: '1-21af810c39fa37b06cb020c200d0f5c2', ver: 'CgUCExUBBQ==' });
    c.putDoc('db', 'x', { a: 1 }, out);
    c.putDoc('db', 'x', { a: 2 }, out);
    expect(c.stored('db', 'x')?._rev).toBe('2-84ef05d2a9edf220a0fbcc92e4dcc93c');
  });

  it('one write object committed by several instances: each document follows its own instance\'s revision, version and database', () => {
    // Every peer commits the same (shared) write object; the second peer stores the first
    // one's document only when it was built from the same previous revision, version and database.
    const w = { key: 'k', value: '{"a":1}' };
    const put = (c: CouchInstance, db: string, version: { block: number; tx: number }): void => c.putState(db, w, version, new Out());
    const fresh = (...dbs: string[]): CouchInstance => {
      const c = new CouchInstance();
      for (const db of dbs) c.createDatabaseIfNotExist(db, new Out());
      return c;
    };
    const [a, b, c, d] = [fresh('db'), fresh('db'), fresh('db'), fresh('db', 'other')];
    put(a, 'db', { block: 7, tx: 1 });
    put(b, 'db', { block: 7, tx: 1 });
    expect(b.stored('db', 'k')).toEqual(a.stored('db', 'k'));
    // An earlier revision of the key on c: the same write gets generation 2 there.
    c.putState('db', { key: 'k', value: '{"a":0}' }, { block: 6, tx: 0 }, new Out());
    put(c, 'db', { block: 7, tx: 1 });
    expect(c.stored('db', 'k')?._rev.startsWith('2-')).toBe(true);
    expect(c.stored('db', 'k')?.value).toBe('{"a":1}');
    // Another version: its own ~version.
    put(d, 'db', { block: 8, tx: 0 });
    expect(d.stored('db', 'k')?.ver).toBe(encodeVersionField({ block: 8, tx: 0 }));
    expect(d.stored('db', 'k')?._rev).toBe(a.stored('db', 'k')?._rev);
    // Another database: its own volume key.
    const out = new Out();
    d.putState('other', w, { block: 8, tx: 0 }, out);
    expect(out.list).toContainEqual({ kind: 'persist', op: { op: 'set', key: 'couchdb/other/k', value: d.stored('other', 'k') } });
    expect(a.stored('db', 'k')?.ver).toBe(encodeVersionField({ block: 7, tx: 1 }));
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
