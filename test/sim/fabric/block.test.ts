/** Fabric block hashing (protoutil/blockutils.go) and `peer channel getinfo` output. */
import { createHash, hash as nodeHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockDataHash, blockHeaderBytes, hexHasher, blockHeaderHash, envelopesOf, genesisBlock, hexToBase64, newBlock, serializeEnvelope, txWritesOf, verifyBlock, type Envelope } from '../../../src/sim/fabric/block.ts';
import { getinfoOutput } from '../../../src/shared/node-output.ts';
import { goDuration } from '../../../src/shared/duration.ts';
import { SimCluster } from '../../../src/sim/cluster/sim-cluster.ts';

describe('block header hash: ASN.1 DER SEQUENCE{Number, PreviousHash, DataHash}', () => {
  it('genesis header (number 0, empty previous hash) encodes as Go asn1.Marshal does', () => {
    const dataHash = 'ab'.repeat(32);
    const der = blockHeaderBytes({ number: 0, previousHash: '', dataHash });
    expect(der.toString('hex')).toBe('3027' + '020100' + '0400' + '0420' + dataHash);
    expect(blockHeaderHash({ number: 0, previousHash: '', dataHash })).toBe(createHash('sha256').update(der).digest('hex'));
  });

  it('INTEGER gets a sign byte above 127 and grows with the number', () => {
    const h = { previousHash: '01', dataHash: '02' };
    expect(blockHeaderBytes({ number: 127, ...h }).toString('hex')).toBe('3009' + '02017f' + '040101' + '040102');
    expect(blockHeaderBytes({ number: 128, ...h }).toString('hex')).toBe('300a' + '02020080' + '040101' + '040102');
    expect(blockHeaderBytes({ number: 256, ...h }).toString('hex')).toBe('300a' + '02020100' + '040101' + '040102');
  });

  it('data hash is SHA-256 of the concatenated data; a chain verifies and a broken link is named', () => {
    expect(blockDataHash(['ab', 'c'])).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(blockDataHash(['abc'])).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(blockDataHash(['\u00e9'])).toBe(createHash('sha256').update(Buffer.from([0xc3, 0xa9])).digest('hex'));
    const g = genesisBlock({ channel: 'certchannel', orgs: ['a'], orderers: ['o'], policy: 'MAJORITY Endorsement' });
    const b1 = newBlock(1, blockHeaderHash(g.header), ['tx']);
    expect(verifyBlock(b1, 1, blockHeaderHash(g.header))).toBeNull();
    expect(verifyBlock(b1, 2, blockHeaderHash(g.header))).toBe('block number should have been 2 but was 1');
    expect(verifyBlock(b1, 1, 'ff')).toMatch(/^unexpected Previous block hash\. Expected PreviousHash = \[ff\]/);
    expect(verifyBlock({ ...b1, data: ['other'] }, 1, blockHeaderHash(g.header))).toMatch(/Header\.DataHash is different/);
  });
});

describe('block data hash over several texts', () => {
  it('property: each text\'s UTF-8 bytes in turn, surrogate pairs split between texts (empty ones between too) and lone surrogates included', () => {
    const piece = fc.constantFrom('', 'a', '{"k":"é"}', '😀', '\ud83d', '\ude00', '\udbff', '\udc00');
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 4 }).map((p) => p.join('')), { minLength: 2, maxLength: 6 }), (data) => {
        const h = createHash('sha256');
        for (const d of data) h.update(d);
        expect(blockDataHash(data.slice())).toBe(h.digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

/** A block of `n` certificate transactions whose ids and keys start with `tag`. */
function certBlock(tag: string, n: number): ReturnType<typeof newBlock> {
  const data: string[] = [];
  for (let i = 0; i < n; i++) {
    const env: Envelope = {
      txId: `${tag}-tx-${i}`,
      channel: 'certchannel',
      type: 'ENDORSER_TRANSACTION',
      creator: 'techpulse',
      timestampMs: i,
      chaincode: 'certcontract',
      fn: 'IssueCertificate',
      args: [`${tag}-${i}`],
      rwset: [{ ns: 'certcontract', reads: [{ key: `${tag}-${i}`, version: null }], writes: [{ key: `${tag}-${i}`, value: `{"n":${i}}` }] }],
      endorsements: [{ org: 'techpulse', peer: 'peer0.techpulse' }],
    };
    data.push(serializeEnvelope(env));
  }
  data.push('not json');
  return newBlock(1, '', data);
}

describe('hashHex: crypto.hash where Node has it (20.12 on), a Hash object before', () => {
  it('both ways give the digest createHash gives, for text (lone surrogates too) and bytes', () => {
    const inputs: (string | Uint8Array)[] = ['', 'abc', 'é€😀', '\ud800x', new Uint8Array([0, 255, 7])];
    const withoutOneShot = hexHasher(undefined);
    const withOneShot = hexHasher(nodeHash);
    for (const algorithm of ['sha256', 'md5'] as const) {
      for (const data of inputs) {
        const want = createHash(algorithm).update(data).digest('hex');
        expect(withoutOneShot(algorithm, data)).toBe(want);
        expect(withOneShot(algorithm, data)).toBe(want);
      }
    }
  });
});

describe('parsed envelopes: whole while blocks commit, writes for the ledger\'s life', () => {
  it('txWritesOf gives each transaction\'s id, type and writes (no reads), null where the entry does not parse', () => {
    const b = certBlock('w', 2);
    const w = txWritesOf(b);
    expect(w.map((t) => t?.txId ?? null)).toEqual(['w-tx-0', 'w-tx-1', null]);
    expect(w[1]).toEqual({ txId: 'w-tx-1', type: 'ENDORSER_TRANSACTION', rwset: [{ ns: 'certcontract', reads: [], writes: [{ key: 'w-1', value: '{"n":1}' }] }] });
    // The whole envelopes parsed later share the write objects.
    expect(envelopesOf(b)[1]?.rwset[0]?.writes).toBe(w[1]?.rwset[0]?.writes);
    expect(envelopesOf(b)[1]?.rwset[0]?.reads).toEqual([{ key: 'w-1', version: null }]);
  });

  it('a transaction id is read back as written, whether the text holds it plainly or escaped, or not first', () => {
    const env = (txId: string): Envelope => ({ txId, channel: 'certchannel', type: 'ENDORSER_TRANSACTION', creator: 'techpulse', timestampMs: 0, chaincode: 'certcontract', fn: 'f', args: [], rwset: [], endorsements: [] });
    const hex = createHash('sha256').update('x').digest('hex');
    const ids = [hex, 'quote"d-id-that-is-long', 'back\\slash-id-long', 'ünïcode-id-that-is-long', 'short'];
    const data = ids.map((id) => serializeEnvelope(env(id)));
    data.push(JSON.stringify({ channel: 'certchannel', txId: 'not-first-but-long-enough', type: 'ENDORSER_TRANSACTION', rwset: [] }));
    expect(txWritesOf(newBlock(1, '', data)).map((t) => t?.txId)).toEqual([...ids, 'not-first-but-long-enough']);
  });

  it('a block parsed again after more than 1,024 newer transactions were parsed gets new envelopes with the same id strings and write objects', () => {
    const b = certBlock('a', 3);
    const first = envelopesOf(b);
    expect(envelopesOf(b)).toBe(first);
    const w = txWritesOf(b);
    expect(w[0]?.rwset[0]?.writes).toBe(first[0]?.rwset[0]?.writes);
    for (let k = 0; k < 3; k++) envelopesOf(certBlock(`b${k}`, 500));
    const again = envelopesOf(b);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(again[2]?.rwset[0]?.writes).toBe(w[2]?.rwset[0]?.writes);
    expect(again[2]?.txId).toBe(w[2]?.txId);
    expect(again[3]).toBeNull();
  });
});

describe('serialized envelopes: a block\'s first reader gets the envelope its text was made of', () => {
  const envOf = (txId: string, value: string, timestampMs: number): Envelope => ({
    txId,
    channel: 'certchannel',
    type: 'ENDORSER_TRANSACTION',
    creator: 'techpulse',
    timestampMs,
    chaincode: 'certcontract',
    fn: 'IssueCertificate',
    args: [txId, 'é "quoted" \\ \u2028'],
    rwset: [{ ns: 'certcontract', reads: [{ key: txId, version: { block: 3, tx: 1 } }, { key: `${txId}-b`, version: null }], writes: [{ key: txId, value }, { key: `${txId}-gone`, value: null }] }],
    endorsements: [{ org: 'techpulse', peer: 'peer0.techpulse' }],
  });

  it('the envelope itself, equal to its text parsed, members in order; the text taken, a second block of it parses', () => {
    const env = envOf('ser-1', '{"certID":"ser-1","n":1.5}', 12.345678);
    const text = serializeEnvelope(env);
    const first = envelopesOf(newBlock(1, '', ['not json', text]));
    expect(first[0]).toBeNull();
    expect(first[1]).toBe(env);
    expect(first[1]).toEqual(JSON.parse(text));
    expect(JSON.stringify(first[1])).toBe(text);
    const again = envelopesOf(newBlock(2, '', [text]));
    expect(again[0]).not.toBe(env);
    expect(again[0]).toEqual(env);
  });

  it('an id serialized again with other content: its first text is parsed, the second gives its own envelope', () => {
    const older = envOf('ser-twice', '{"n":1}', 1);
    const newer = envOf('ser-twice', '{"n":2}', 2);
    const olderText = serializeEnvelope(older);
    const newerText = serializeEnvelope(newer);
    const [a, b] = envelopesOf(newBlock(1, '', [olderText, newerText]));
    expect(a).not.toBe(older);
    expect(a).toEqual(older);
    expect(b).toBe(newer);
  });

  it('a text read after 1,024 newer envelopes were serialized is parsed', () => {
    const env = envOf('ser-old', '{"n":0}', 0);
    const text = serializeEnvelope(env);
    for (let i = 0; i < 1024; i++) serializeEnvelope(envOf(`ser-new-${i}`, '{}', i));
    const read = envelopesOf(newBlock(1, '', [text]))[0];
    expect(read).not.toBe(env);
    expect(read).toEqual(env);
  });

  it('property: whatever the strings and numbers, each read envelope is its own text parsed (same members, same order)', () => {
    const str = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(str, str, fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 6 }), fc.nat(5), (specs, repeat) => {
        const texts = specs.map(([id, value, t]) => serializeEnvelope(envOf(`p-${id}`, value, Object.is(t, -0) ? 0 : t)));
        // A text twice in the block: its second place parses it.
        texts.push(texts[repeat % texts.length] as string);
        const envs = envelopesOf(newBlock(1, '', texts));
        texts.forEach((text, i) => {
          expect(envs[i]).toEqual(JSON.parse(text));
          expect(JSON.stringify(envs[i])).toBe(text);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('peer channel getinfo', () => {
  it('prints json.Marshal(BlockchainInfo) with base64 hashes, byte for byte', () => {
    expect(getinfoOutput({ height: 5, currentBlockHash: 'JgK9lcaPUNmFb5Mp1qe1SVMsx3o/22Ct4+n5tejcXCw=', previousBlockHash: 'f8lZXoAn3gF86zrFq7L1DzW2aKuabH9Ow6SIE5Y04a4=' })).toBe(
      'Blockchain info: {"height":5,"currentBlockHash":"JgK9lcaPUNmFb5Mp1qe1SVMsx3o/22Ct4+n5tejcXCw=","previousBlockHash":"f8lZXoAn3gF86zrFq7L1DzW2aKuabH9Ow6SIE5Y04a4="}\n',
    );
  });

  it('a peer with only the genesis block omits previousHash (height 1)', async () => {
    const c = await SimCluster.create({ seed: 3, keep: { logs: true }, bootstrap: false });
    const cur = hexToBase64(blockHeaderHash(c.genesis.header));
    expect(c.getinfo('peer0.techpulse')).toBe(`Blockchain info: {"height":1,"currentBlockHash":"${cur}"}\n`);
  });

  it('after set-up, currentBlockHash is the last header hash and previousBlockHash its PreviousHash', async () => {
    const c = await SimCluster.create({ seed: 3, keep: { logs: true } });
    const info = await c.channelInfo('peer0.dataforge');
    // Set-up: genesis, 3 approvals, the commit, the initial certificates in block 5.
    expect(info.height).toBe(6);
    expect(c.getinfo('peer0.dataforge')).toBe(`Blockchain info: {"height":6,"currentBlockHash":"${info.currentBlockHash}","previousBlockHash":"${info.previousBlockHash ?? ''}"}\n`);
  });
});

describe('Go duration text', () => {
  it('matches time.Duration.String for the deliverer back-offs', () => {
    expect(goDuration(100)).toBe('100ms');
    expect(goDuration(1600)).toBe('1.6s');
    expect(goDuration(200_000)).toBe('3m20s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
  });
});

describe('joining the channel', () => {
  it('commits the genesis block with an empty commit hash, then computes commit hashes from block 1', async () => {
    const c = await SimCluster.create({ seed: 4, keep: { logs: true } });
    const log = (await c.logs('peer0.techpulse')).map((l) => l.message);
    // The times are the built-in profile's (calibration.md); the hash of block 0 is empty.
    expect(log.find((m) => m.startsWith('[certchannel] Committed block [0]'))).toMatch(
      /^\[certchannel\] Committed block \[0\] with 1 transaction\(s\) in \d+ms \(state_validation=\d+ms block_and_pvtdata_commit=\d+ms state_commit=\d+ms\) commitHash=\[\]$/,
    );
    expect(log.find((m) => m.startsWith('[certchannel] Committed block [1]'))).toMatch(/commitHash=\[[0-9a-f]{64}\]$/);
  });
});
