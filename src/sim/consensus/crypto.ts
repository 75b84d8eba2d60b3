/**
 * Deterministic stand-ins for SmartBFT's crypto (`types.Proposal.Digest`, the Signer and
 * Verifier Fabric plugs in): a fast 64-bit hash printed as 16 hex digits, and signatures
 * that only the named signer's code path produces, so a corrupted signature is detectable.
 * Consensus-neutral: the Raft orderer signs and digests its blocks with the same functions.
 */
import { fmix32 } from '../../shared/hash.ts';
import type { Proposal, Request, Signature, ViewMetadata } from './types.ts';

/**
 * A hash64 in progress: two independent 32-bit FNV-1a lanes and the length so far. The
 * digest and signature texts are folded piece by piece (`text`, `num`) instead of being
 * built as strings first; `hash64(a + b)` equals folding `a` then `b`.
 */
const lanes = { a: 0, b: 0, n: 0 };

function begin(): void {
  lanes.a = 0x811c9dc5;
  lanes.b = 0x01000193 ^ 0x5bd1e995;
  lanes.n = 0;
}

function text(s: string): void {
  let a = lanes.a;
  let b = lanes.b;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  lanes.a = a;
  lanes.b = b;
  lanes.n += s.length;
}

/** The text of `${v}`: digits written directly for a non-negative integer below 1e9. */
function num(v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v < 1e9)) {
    text(String(v));
    return;
  }
  let a = lanes.a;
  let b = lanes.b;
  let p = 1;
  while (p * 10 <= v) p *= 10;
  for (; p >= 1; p = (p / 10) | 0) {
    const d = (v / p) | 0;
    a = Math.imul(a ^ (48 + d), 0x01000193);
    b = Math.imul(b ^ (48 + d), 0x5bd1e995);
    v -= d * p;
    lanes.n++;
  }
  lanes.a = a;
  lanes.b = b;
}

const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Finalise both lanes as 16 hex digits, one string built once (Number#toString(16) is a slow runtime call). */
function end(): string {
  const a = fmix32(lanes.a);
  const b = fmix32(lanes.b ^ lanes.n);
  const h = HEX;
  return String.fromCharCode(
    h[a >>> 28] as number, h[(a >>> 24) & 15] as number, h[(a >>> 20) & 15] as number, h[(a >>> 16) & 15] as number,
    h[(a >>> 12) & 15] as number, h[(a >>> 8) & 15] as number, h[(a >>> 4) & 15] as number, h[a & 15] as number,
    h[b >>> 28] as number, h[(b >>> 24) & 15] as number, h[(b >>> 20) & 15] as number, h[(b >>> 16) & 15] as number,
    h[(b >>> 12) & 15] as number, h[(b >>> 8) & 15] as number, h[(b >>> 4) & 15] as number, h[b & 15] as number,
  );
}

/** Two independent 32-bit FNV-1a lanes with a murmur3 finaliser, as 16 hex digits. */
export function hash64(s: string): string {
  begin();
  text(s);
  return end();
}

/** `hash64` of the requests' `${clientId}:${reqId};`, one after another, without building that text. */
export function requestsHash64(requests: readonly Request[]): string {
  begin();
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i] as Request;
    text(r.clientId);
    text(':');
    text(r.reqId);
    text(';');
  }
  return end();
}

/**
 * Proposals whose digest was checked, by object identity: messages are immutable once sent
 * (the kernel contract) and every node receives the same object, so one check serves all.
 * A forged or mutated proposal is a new object and is checked afresh.
 */
const verifiedDigests = new WeakSet<Proposal>();

/** `clientId:reqId`, SmartBFT's RequestInfo string. */
export function requestKey(r: Request): string {
  return `${r.clientId}:${r.reqId}`;
}

/** The proposal digest over header, payload (request ids and sizes) and metadata. */
export function proposalDigest(header: string, payload: readonly Request[], md: ViewMetadata): string {
  // hash64(`${header}|${viewId}|${latestSequence}|${decisionsInView}|` + `${clientId}:${reqId}:${size};` per request)
  begin();
  text(header);
  text('|');
  num(md.viewId);
  text('|');
  num(md.latestSequence);
  text('|');
  num(md.decisionsInView);
  text('|');
  for (let i = 0; i < payload.length; i++) {
    const r = payload[i] as Request;
    text(r.clientId);
    text(':');
    text(r.reqId);
    text(':');
    num(r.size);
    text(';');
  }
  return end();
}

/** The proposal with the digest the library computes (types.Proposal.Digest), whatever the assembler put there. */
export function withDigest(p: Proposal): Proposal {
  const digest = proposalDigest(p.header, p.payload, p.metadata);
  const out = digest === p.digest ? p : { ...p, digest };
  // Its digest was just computed from its content: no node needs to check it again.
  verifiedDigests.add(out);
  return out;
}

/** True when the proposal's digest is the digest of its content. */
export function digestMatches(p: Proposal): boolean {
  if (verifiedDigests.has(p)) return true;
  const ok = proposalDigest(p.header, p.payload, p.metadata) === p.digest;
  if (ok) verifiedDigests.add(p);
  return ok;
}

/** Consenter `signer`'s signature over `what` (a digest or a view-data summary). */
export function sign(signer: number, what: string): Signature {
  return { signer, value: signatureValue(signer, what) };
}

function signatureValue(signer: number, what: string): string {
  // hash64(`sig/${signer}/${what}`)
  begin();
  text('sig/');
  num(signer);
  text('/');
  text(what);
  return end();
}

/**
 * Signatures already verified, with what they were verified over. A Commit's signature
 * object reaches every node unchanged (messages are immutable), so one check serves all
 * receivers; a forged or mutated signature is a new object and is checked afresh.
 */
const verifiedSignatures = new WeakMap<Signature, string>();

export function verifySignature(sig: Signature, what: string): boolean {
  if (verifiedSignatures.get(sig) === what) return true;
  const ok = sig.value === signatureValue(sig.signer, what);
  if (ok) verifiedSignatures.set(sig, what);
  return ok;
}
