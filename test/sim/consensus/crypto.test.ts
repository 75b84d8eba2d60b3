import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { fmix32 } from '../../../src/shared/hash.ts';
import { digestMatches, hash64, proposalDigest, requestsHash64, sign, verifySignature, withDigest } from '../../../src/sim/consensus/crypto.ts';
import { blockHeader } from '../../../src/sim/consensus/app.ts';
import type { Request } from '../../../src/sim/consensus/types.ts';

/** hash64 as first written: the whole text, two FNV-1a lanes, Number#toString(16). */
function reference(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return fmix32(a).toString(16).padStart(8, '0') + fmix32(b ^ text.length).toString(16).padStart(8, '0');
}

const anyText = fc.string({ unit: 'binary', maxLength: 40 });
/** Numbers as metadata and sizes hold them, and some they never do (their text is String(v)). */
const anyNumber = fc.oneof(fc.nat({ max: 2_000_000_000 }), fc.integer(), fc.double());
const request = fc.record({ clientId: anyText, reqId: anyText, size: anyNumber, payload: fc.constant(null) });

describe('hash64, digests and signatures fold their text piece by piece: the same values as the text built first', () => {
  fcTest.prop([anyText])('hash64(text) is the reference hash', (t) => {
    expect(hash64(t)).toBe(reference(t));
  });

  fcTest.prop([anyText, fc.array(request, { maxLength: 12 }), anyNumber, anyNumber, anyNumber])(
    'proposalDigest is hash64 of `header|view|seq|decisions|` and `clientId:reqId:size;` per request',
    (header, payload, viewId, latestSequence, decisionsInView) => {
      let text = `${header}|${viewId}|${latestSequence}|${decisionsInView}|`;
      for (const r of payload) text += `${r.clientId}:${r.reqId}:${r.size};`;
      expect(proposalDigest(header, payload as Request[], { viewId, latestSequence, decisionsInView })).toBe(reference(text));
    },
  );

  fcTest.prop([fc.array(request, { maxLength: 12 }), anyNumber, anyText])(
    "requestsHash64 is hash64 of `clientId:reqId;` per request, the default application's data hash in a block header",
    (payload, number, previous) => {
      let text = '';
      for (const r of payload) text += `${r.clientId}:${r.reqId};`;
      expect(requestsHash64(payload as Request[])).toBe(reference(text));
      expect(blockHeader(number, previous, payload as Request[])).toBe(`${number}|${previous}|${reference(text)}`);
    },
  );

  fcTest.prop([anyNumber, anyText])('a signature is hash64 of `sig/signer/what`, and verifies only over what it signed', (signer, what) => {
    const sig = sign(signer, what);
    expect(sig.value).toBe(reference(`sig/${signer}/${what}`));
    expect(verifySignature(sig, what)).toBe(true);
    expect(verifySignature({ ...sig }, `${what}x`)).toBe(false);
  });

  it('withDigest sets the digest of the content; a proposal changed afterwards is a new object and is checked', () => {
    const md = { viewId: 0, latestSequence: 3, decisionsInView: 2 };
    const payload: Request[] = [{ clientId: 'c', reqId: 'tx1', size: 200, payload: null }];
    const p = withDigest({ header: 'h', payload, metadata: md, digest: '' });
    expect(p.digest).toBe(reference('h|0|3|2|c:tx1:200;'));
    expect(digestMatches(p)).toBe(true);
    expect(digestMatches({ ...p, digest: `${p.digest.slice(1)}0` })).toBe(false);
    expect(digestMatches({ ...p, payload: [] })).toBe(false);
  });
});
