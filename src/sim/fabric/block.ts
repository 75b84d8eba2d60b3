/**
 * Fabric blocks, transactions and the hashes that chain them.
 *
 * Mirrors `protoutil/blockutils.go`: `BlockHeaderHash = SHA256(ASN.1 DER SEQUENCE{Number
 * INTEGER, PreviousHash OCTET STRING, DataHash OCTET STRING})` and `DataHash =
 * SHA256(concat(Data))`; the genesis block has an empty PreviousHash. A block's data are
 * the transaction envelopes, each serialized once (JSON text stands for the protobuf
 * bytes). Hashes are kept as lowercase hex strings so blocks stay plain, JSON-safe data.
 *
 * The TRANSACTIONS_FILTER (validation codes) is not part of the block the orderer cuts:
 * a peer writes it into the block metadata it stores (`StoredBlock`), as Fabric does.
 */
import * as nodeCrypto from 'node:crypto';
import { CHANNEL } from '../../shared/names.ts';

export { CHANNEL };

/** `version.Height`: the block and the tx index in the block of the last write. */
export interface Height {
  readonly block: number;
  readonly tx: number;
}

export interface KVRead {
  readonly key: string;
  /** Version read at endorsement; null when the key did not exist. */
  readonly version: Height | null;
}

export interface KVWrite {
  readonly key: string;
  /** The new value (JSON text); null deletes the key. */
  readonly value: string | null;
}

/** A private write as the block carries it (`kvrwset.KVWriteHash`): hex SHA-256 of the key and of the value (null: a delete). */
export interface KVWriteHash {
  readonly keyHash: string;
  readonly valueHash: string | null;
}

/** The hashed writes of one private data collection (`rwset.CollectionHashedReadWriteSet`). */
export interface CollHashedRwSet {
  readonly coll: string;
  readonly hashedWrites: readonly KVWriteHash[];
}

/** The read-write set of one namespace (chaincode) in a transaction (`rwset.NsReadWriteSet`). */
export interface NsRwSet {
  readonly ns: string;
  readonly reads: readonly KVRead[];
  readonly writes: readonly KVWrite[];
  /** Hashes of private writes, per collection: every peer applies them to `<ns>$$h<coll>`. */
  readonly collHashed?: readonly CollHashedRwSet[];
}

/** The private writes of one collection (`rwset.CollectionPvtReadWriteSet`): not in the block; only eligible peers hold them. */
export interface CollPvtRwSet {
  readonly ns: string;
  readonly coll: string;
  readonly writes: readonly KVWrite[];
}

/** privacyenabledstate/db.go `deriveHashedDataNs`: `<ns>$$h<coll>`. */
export function hashedDataNs(ns: string, coll: string): string {
  return `${ns}$$h${coll}`;
}

/** privacyenabledstate/db.go `derivePvtDataNs`: `<ns>$$p<coll>`. */
export function pvtDataNs(ns: string, coll: string): string {
  return `${ns}$$p${coll}`;
}

/** core/chaincode/implicitcollection/name.go `NameForOrg`: `_implicit_org_<mspID>`. */
export function implicitCollection(msp: string): string {
  return `_implicit_org_${msp}`;
}

/**
 * The state key of a hashed write: privacyenabledstate/db.go `addHashedUpdates` with
 * base64Key (a CouchDB state database cannot hold the raw hash bytes as a key), so the
 * standard base64 of the key hash.
 */
export function hashedStateKey(keyHashHex: string): string {
  return Buffer.from(keyHashHex, 'hex').toString('base64');
}

/**
 * Hex digest of `data` in one call: `crypto.hash` (Node 20.12 on) builds no Hash object,
 * where createHash/update/digest cost about 1.5 us a call (the gateway's transaction id
 * alone was 2% of the e2e bench's CPU); older Node 20 takes the Hash object.
 */
export const hashHex = hexHasher(nodeCrypto.hash);

/** `hashHex` with `crypto.hash` where there is one (`oneShot`), else with a Hash object each call. */
export function hexHasher(oneShot: typeof nodeCrypto.hash | undefined): (algorithm: 'sha256' | 'md5', data: string | Uint8Array) => string {
  return typeof oneShot === 'function'
    ? (algorithm, data) => oneShot(algorithm, data, 'hex')
    : (algorithm, data) => nodeCrypto.createHash(algorithm).update(data).digest('hex');
}

/** Hex SHA-256 of a key or value (util.ComputeHash). */
export function sha256Hex(text: string): string {
  return hashHex('sha256', text);
}

export interface Endorsement {
  /** MSP org name of the endorsing peer. */
  readonly org: string;
  readonly peer: string;
}

/** A transaction envelope as it travels from client to orderer to peer. */
export interface Envelope {
  readonly txId: string;
  readonly channel: string;
  readonly type: 'ENDORSER_TRANSACTION' | 'CONFIG';
  /** The submitting org. */
  readonly creator: string;
  /** Simulated ms of the proposal (what the chaincode sees as the tx timestamp). */
  readonly timestampMs: number;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly rwset: readonly NsRwSet[];
  readonly endorsements: readonly Endorsement[];
  /** The channel configuration (CONFIG transactions only). */
  readonly config?: ChannelConfigData;
}

/** The part of a channel config the model reads (genesis block). */
export interface ChannelConfigData {
  readonly channel: string;
  readonly orgs: readonly string[];
  readonly orderers: readonly string[];
  readonly policy: string;
}

export interface BlockHeader {
  readonly number: number;
  /** Hex; empty for the genesis block. */
  readonly previousHash: string;
  /** Hex SHA-256 of the concatenated data. */
  readonly dataHash: string;
}

export interface Block {
  readonly header: BlockHeader;
  /** Serialized envelopes. */
  readonly data: readonly string[];
  readonly metadata: {
    /** Consenter ids that signed the decision (SIGNATURES metadata); empty for genesis. */
    readonly signers: readonly number[];
  };
}

/** Fabric validation codes (`peer.TxValidationCode`) the model produces. */
export const TxValidationCode = {
  VALID: 0,
  DUPLICATE_TXID: 9,
  ENDORSEMENT_POLICY_FAILURE: 10,
  MVCC_READ_CONFLICT: 11,
  BAD_PAYLOAD: 2,
  NOT_VALIDATED: 254,
} as const;
export type TxValidationCode = (typeof TxValidationCode)[keyof typeof TxValidationCode];

/** Code -> name, built once (every peer names each committed transaction's code). */
const CODE_NAMES = new Map<number, string>(Object.entries(TxValidationCode).map(([k, v]) => [v, k]));

export function validationCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `UNKNOWN(${code})`;
}

/** A block as a peer's block store holds it: the block, the TRANSACTIONS_FILTER and the commit hash. */
export interface StoredBlock {
  readonly block: Block;
  readonly flags: readonly number[];
  /** Hex commit hash (`kv_ledger.go addBlockCommitHash`); empty for block 0. */
  readonly commitHash: string;
}

// ---------------------------------------------------------------------------------------
// Hashing

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** DER INTEGER of a non-negative safe integer (big-endian, minimal, sign byte when needed). */
function derInteger(n: number): number[] {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0) bytes.push(0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return [0x02, ...derLength(bytes.length), ...bytes];
}

function derOctets(hex: string): number[] {
  const b = Buffer.from(hex, 'hex');
  return [0x04, ...derLength(b.length), ...b];
}

/** `protoutil.BlockHeaderBytes`: the ASN.1 DER encoding the header hash covers. */
export function blockHeaderBytes(h: BlockHeader): Buffer {
  if (!Number.isSafeInteger(h.number) || h.number < 0) throw new RangeError(`block header: number must be a non-negative integer, got ${h.number}`);
  const body = [...derInteger(h.number), ...derOctets(h.previousHash), ...derOctets(h.dataHash)];
  return Buffer.from([0x30, ...derLength(body.length), ...body]);
}

const headerHashes = new WeakMap<BlockHeader, string>();

/**
 * `protoutil.BlockHeaderHash`, hex. Memoised per (immutable) header object: a block
 * object reaches every peer (and its block store's index) by reference, and each used to
 * hash its header again.
 */
export function blockHeaderHash(h: BlockHeader): string {
  let hex = headerHashes.get(h);
  if (hex === undefined) {
    hex = hashHex('sha256', blockHeaderBytes(h));
    headerHashes.set(h, hex);
  }
  return hex;
}

const dataHashes = new WeakMap<readonly unknown[], string>();

/**
 * `protoutil.ComputeBlockDataHash`: SHA-256 of the concatenated data, hex. Memoised per
 * (immutable) data array: every node that verifies the same block object shares one hash.
 */
export function blockDataHash(data: readonly string[]): string {
  let hex = dataHashes.get(data);
  if (hex === undefined) {
    if (data.length === 1) hex = hashHex('sha256', data[0] as string);
    else if (!pairSplit(data)) hex = hashHex('sha256', data.join(''));
    else {
      // Each text's UTF-8 bytes in turn (the joined text would encode the surrogate pair
      // split between two texts as one character).
      const h = nodeCrypto.createHash('sha256');
      for (const d of data) h.update(d);
      hex = h.digest('hex');
    }
    dataHashes.set(data, hex);
  }
  return hex;
}

/**
 * Whether a text ends with a high surrogate and the next begins with a low one: only then
 * do the joined texts' UTF-8 bytes differ from each text's in turn (a lone surrogate is
 * U+FFFD either way), so every other block's data is hashed in one call, not one a text.
 */
function pairSplit(data: readonly string[]): boolean {
  // The last character of the texts so far (an empty text joins its neighbours).
  let hi = -1;
  for (const d of data) {
    if (d.length === 0) continue;
    const lo = d.charCodeAt(0);
    if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) return true;
    hi = d.charCodeAt(d.length - 1);
  }
  return false;
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

// ---------------------------------------------------------------------------------------
// Building and reading blocks

/** A block with the given number, previous hash and serialized envelopes. */
export function newBlock(number: number, previousHash: string, data: readonly string[], signers: readonly number[] = []): Block {
  return { header: { number, previousHash, dataHash: blockDataHash(data) }, data, metadata: { signers } };
}

/** The genesis (config) block of the channel: block 0, empty previous hash. */
export function genesisBlock(config: ChannelConfigData): Block {
  const env: Envelope = {
    txId: `genesis-${config.channel}`,
    channel: config.channel,
    type: 'CONFIG',
    creator: 'OrdererMSP',
    timestampMs: 0,
    chaincode: '',
    fn: '',
    args: [],
    rwset: [],
    endorsements: [],
    config,
  };
  return newBlock(0, '', [serializeEnvelope(env)]);
}

/** The start of an envelope's text (serializeEnvelope writes txId first). */
const TXID_AT = '{"txId":"';

/**
 * Envelopes `serializeEnvelope` made a text of, with that text, by transaction id, until a
 * block carrying the text is first read. An entry nobody reads (a failed broadcast) leaves
 * after SERIALIZED_KEPT newer ones; a block read after its texts left parses them, as a
 * block from anywhere else is. Keyed by the id, not the text: a Map hashes a new key's
 * every character, about 900 of them for a certificate's envelope (0.9% of the e2e bench's
 * main thread), where the gateway's id string was hashed when it was made. An envelope is
 * immutable and JSON-clean (strings, finite numbers other than -0, null, plain objects and
 * arrays), so it equals what JSON.parse makes of its text, member order included.
 */
const serialized = new Map<string, { readonly text: string; readonly env: Envelope }>();
const SERIALIZED_KEPT = 1024;

/**
 * The envelope's text (JSON standing for the protobuf bytes), remembered with the envelope
 * until a block carrying the text is first read (`envelopesOf`): a gateway's envelope
 * reaches the validity fold and the peers as that same text, which each block's first
 * reader then parsed back into an equal envelope (a JSON.parse of about 900 bytes and
 * 1.4 KB of objects a certificate).
 */
export function serializeEnvelope(env: Envelope): string {
  const text = JSON.stringify(env);
  serialized.delete(env.txId);
  serialized.set(env.txId, { text, env });
  if (serialized.size > SERIALIZED_KEPT) {
    for (const oldest of serialized.keys()) {
      serialized.delete(oldest);
      break;
    }
  }
  return text;
}

/** The envelope of a text `serializeEnvelope` made (taken: a later read parses), else the text parsed. */
function envelopeOfText(text: string): Envelope | null {
  // The id as serializeEnvelope writes it first; an id with an escape in it is not found
  // (the text compared below is the envelope's own, so a wrong guess only means a parse).
  if (serialized.size > 0 && text.startsWith(TXID_AT)) {
    const end = text.indexOf('"', TXID_AT.length);
    const id = end < 0 ? '' : text.slice(TXID_AT.length, end);
    const known = serialized.get(id);
    if (known !== undefined && known.text === text) {
      serialized.delete(id);
      return known.env;
    }
  }
  return parseEnvelope(text);
}

/**
 * A committed transaction as replay and the checkers read it (`txWritesOf`): its id, its
 * type and its writes. Its `rwset` has each namespace's writes and hashed writes, and no
 * reads (replay applies writes with the stored flags and checks no read:
 * kv_ledger.go recommitLostBlocks, doMVCCValidation=false).
 */
export interface TxWrites {
  readonly txId: string;
  readonly type: Envelope['type'];
  readonly rwset: readonly NsRwSet[];
}

/**
 * Parsed envelopes of the blocks being committed, per (immutable, shared) data array: every
 * orderer builds its own block object of a decision around the one data array of the
 * decided batch, so the peers they deliver to parse it once between them. Only the most
 * recent blocks' (up to PARSED_TXS_KEPT transactions, oldest first out): a block's full
 * envelopes are read while the peers validate and commit it, and a whole parsed envelope
 * (arguments, endorsements, reads: about 850 bytes a certificate beyond its writes) is not
 * kept for the run's length. A block parsed again after it left gets the strings of its
 * `TxWrites` (which stay) for its ids and writes, so every peer's state shares them.
 */
const parsed = new Map<readonly string[], (Envelope | null)[]>();
let parsedTxs = 0;
const PARSED_TXS_KEPT = 1024;

/**
 * `TxWrites` of every block parsed so far, per data array (kept as long as the block): what
 * a peer's block store holds beyond the envelope texts, read on each ledger open (the
 * block index and `recommitLostBlocks`) and by the checkers, without parsing again.
 */
const writes = new WeakMap<readonly string[], readonly (TxWrites | null)[]>();

/** No reads (TxWrites). */
const NO_READS: readonly KVRead[] = Object.freeze([]);

/** One string per namespace name, type and channel (JSON.parse makes one per occurrence). */
const interned = new Map<string, string>();
function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  // Only short names: a namespace, a transaction type, a channel, a chaincode function.
  if (text.length <= 64 && interned.size < 4096) interned.set(text, text);
  return text;
}

/** The block's envelopes; null for an entry that does not parse (BAD_PAYLOAD). */
export function envelopesOf(block: Block): readonly (Envelope | null)[] {
  const data = block.data;
  let envs = parsed.get(data);
  if (envs !== undefined) return envs;
  envs = data.map(envelopeOfText);
  const known = writes.get(data);
  if (known === undefined) writes.set(data, envs.map((env, i) => txWrites(env, data[i] as string)));
  else envs = envs.map((env, i) => shareWrites(env, known[i] ?? null));
  parsed.set(data, envs);
  parsedTxs += envs.length;
  for (const [oldest, e] of parsed) {
    if (parsedTxs <= PARSED_TXS_KEPT || oldest === data) break;
    parsed.delete(oldest);
    parsedTxs -= e.length;
  }
  return envs;
}

/** Each transaction's id, type and writes (see TxWrites); null for an entry that does not parse. */
export function txWritesOf(block: Block): readonly (TxWrites | null)[] {
  const data = block.data;
  let w = writes.get(data);
  if (w === undefined) {
    // Parsed for its writes only (a ledger opened on block files nobody parsed yet): the
    // whole envelopes are not kept for the commits (none is under way).
    w = data.map((text) => txWrites(parseEnvelope(text), text));
    writes.set(data, w);
  }
  return w;
}

/**
 * The transaction id as a part of the envelope's text when it is there as written (a hex id
 * needs no escaping): a slice of a kept text is a view of it (32 bytes), where the id
 * JSON.parse made was a string of its own (80 bytes for 64 hex digits) kept with the block.
 */
function txIdOf(env: Envelope, text: string): string {
  const id = env.txId;
  const end = TXID_AT.length + id.length;
  if (text.startsWith(TXID_AT) && text.charCodeAt(end) === 34 && text.startsWith(id, TXID_AT.length)) return text.slice(TXID_AT.length, end);
  return id;
}

function txWrites(env: Envelope | null, text: string): TxWrites | null {
  if (env === null) return null;
  const rwset = env.rwset.map((ns): NsRwSet => {
    const name = intern(ns.ns);
    return ns.collHashed === undefined ? { ns: name, reads: NO_READS, writes: ns.writes } : { ns: name, reads: NO_READS, writes: ns.writes, collHashed: ns.collHashed };
  });
  return { txId: txIdOf(env, text), type: intern(env.type) as Envelope['type'], rwset };
}

/** `env` (parsed again) with the id and write objects of its TxWrites. */
function shareWrites(env: Envelope | null, w: TxWrites | null): Envelope | null {
  if (env === null || w === null || env.txId !== w.txId || env.rwset.length !== w.rwset.length) return env;
  const rwset = env.rwset.map((ns, i) => {
    const kept = w.rwset[i] as NsRwSet;
    return kept.ns === ns.ns ? { ...ns, ns: kept.ns, writes: kept.writes } : ns;
  });
  return { ...env, txId: w.txId, rwset };
}

function parseEnvelope(text: string): Envelope | null {
  try {
    const v = JSON.parse(text) as Envelope;
    if (typeof v !== 'object' || v === null || typeof v.txId !== 'string' || !Array.isArray(v.rwset)) return null;
    return v;
  } catch {
    return null;
  }
}

/** Why a block does not follow `prev` (block_verification.go + blockstore checks), or null. */
export function verifyBlock(block: Block, expectedNumber: number, prevHeaderHash: string): string | null {
  if (block.header.number !== expectedNumber) {
    return `block number should have been ${expectedNumber} but was ${block.header.number}`;
  }
  if (block.header.previousHash !== prevHeaderHash) {
    return `unexpected Previous block hash. Expected PreviousHash = [${prevHeaderHash}], PreviousHash referred in the latest block= [${block.header.previousHash}]`;
  }
  const dh = blockDataHash(block.data);
  if (dh !== block.header.dataHash) {
    return `Header.DataHash is different from Hash(block.Data) for block with id [${block.header.number}] on channel [${CHANNEL}]`;
  }
  return null;
}
