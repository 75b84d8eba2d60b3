/**
 * Deterministic stand-ins for SmartBFT's crypto (`types.Proposal.Digest`, the Signer and
 * Verifier Fabric plugs in): a fast 64-bit hash printed as 16 hex digits, and signatures
 * that only the named signer's code path produces, so a corrupted signature is detectable.
 * Consensus-neutral: the Raft orderer signs and digests its blocks with the same functions.
 */
import { fmix32 } from '../../shared/hash.ts';
import type { Proposal, Request, Signature, ViewMetadata } from './types.ts';

/** Two independent 32-bit FNV-1a lanes with a murmur3 finaliser, as 16 hex digits. */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return fmix32(a).toString(16).padStart(8, '0') + fmix32(b ^ text.length).toString(16).padStart(8, '0');
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
  let s = `${header}|${md.viewId}|${md.latestSequence}|${md.decisionsInView}|`;
  for (let i = 0; i < payload.length; i++) {
    const r = payload[i] as Request;
    s += `${r.clientId}:${r.reqId}:${r.size};`;
  }
  return hash64(s);
}

/** The proposal with the digest the library computes (types.Proposal.Digest), whatever the assembler put there. */
export function withDigest(p: Proposal): Proposal {
  const digest = proposalDigest(p.header, p.payload, p.metadata);
  return digest === p.digest ? p : { ...p, digest };
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
  return hash64(`sig/${signer}/${what}`);
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
