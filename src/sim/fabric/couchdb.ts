/**
 * A CouchDB-like state database, as Fabric's `statecouchdb` uses it
 * (core/ledger/kvledger/txmgmt/statedb/statecouchdb: couchdb.go, couchdbutil.go,
 * couchdoc_conv.go).
 *
 * - One database per namespace, `<channel>_<escapedNamespace>`, created lazily on first
 *   use and registered in the `<channel>_` metadata database (`channel_metadata`), which
 *   also holds `statedb_savepoint` = `{"BlockNum":N,"TxNum":M}`. The global
 *   `fabric__internal` holds `dataformatVersion`.
 * - One document per key: `_id`, `_rev` (`N-hash`, bumped on each update), the JSON value's
 *   fields at top level (a non-JSON value becomes the `valueBytes` attachment) and
 *   `~version` = base64(VersionAndMetadata{version}).
 * - `doc_count` counts live documents including `_design/` docs; deleted ones are
 *   tombstones counted in `doc_del_count`.
 *
 * The database lives in the peer's durable store (its CouchDB volume): every change is a
 * `persist` effect under `couchdb/<db>/`, and `start` reloads the mirror kept here. Deleting
 * a database is deleting that prefix, which is what `curl -X DELETE` does to the volume.
 */
import type { DurableView } from '../kernel/types.ts';
import { CHANNEL, type Height, type KVWrite } from './block.ts';
import type { Out } from './effects.ts';

export type CouchDoc = Readonly<Record<string, unknown>> & { readonly _id: string; readonly _rev: string };

export interface CouchDbInfo {
  readonly db_name: string;
  readonly doc_count: number;
  readonly doc_del_count: number;
  readonly update_seq: number;
}

export const COUCH_PREFIX = 'couchdb/';
export const INTERNAL_DB = 'fabric__internal';
export const METADATA_DB = `${CHANNEL}_`;
export const SAVEPOINT_DOC = 'statedb_savepoint';
export const CHANNEL_METADATA_DOC = 'channel_metadata';
const INFO_KEY = '_info';

/** `constructNamespaceDBName`: `<channel>_<ns>` with upper case escaped to `$`+lower and `.` to `$`. */
export function namespaceDbName(ns: string, channel = CHANNEL): string {
  if (channel !== CHANNEL) return escapedDbName(ns, channel);
  let name = channelDbNames.get(ns);
  if (name === undefined) channelDbNames.set(ns, (name = escapedDbName(ns, channel)));
  return name;
}

/** The channel's namespace DB names (validation asks one per key read), by namespace. */
const channelDbNames = new Map<string, string>();

function escapedDbName(ns: string, channel: string): string {
  let esc = '';
  for (const ch of ns) {
    if (ch >= 'A' && ch <= 'Z') esc += '$' + ch.toLowerCase();
    else if (ch === '.') esc += '$';
    else esc += ch;
  }
  return `${channel}_${esc}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Base64 digit -> its 6-bit value (-1 for anything else). */
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/**
 * The bytes of `~version`, built in place (one per written key on the commit and replay
 * path: no arrays, no Buffer). Protobuf VersionAndMetadata{version = 1: bytes}: the tag
 * 0x0a, the length, then `EncodeOrderPreservingVarUint64(block)` and `(tx)`, each a length
 * byte and the big-endian bytes without leading zeros (metadata empty, omitted).
 */
const versionBytes = new Uint8Array(2 + 2 * 9);

/** Writes `n`'s order-preserving varuint at `at`; returns the index after it. */
function putOrderPreservingVarUint64(n: number, at: number): number {
  let len = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) len++;
  versionBytes[at] = len;
  for (let k = len, v = n; k > 0; k--, v = Math.floor(v / 256)) versionBytes[at + k] = v % 256;
  return at + 1 + len;
}

/** Char codes of base64 texts being built, one reused array per length in groups of 4 (String.fromCharCode takes them whole). */
const b64Codes: number[][] = [];

/** `~version`: base64 of protobuf VersionAndMetadata{version = 1: bytes} (metadata empty, omitted). */
export function encodeVersionField(h: Height): string {
  const b = versionBytes;
  b[0] = 0x0a;
  const end = putOrderPreservingVarUint64(h.tx, putOrderPreservingVarUint64(h.block, 2));
  b[1] = end - 2;
  const groups = Math.ceil(end / 3);
  const codes = (b64Codes[groups] ??= new Array<number>(groups * 4).fill(0));
  for (let i = 0, o = 0; i < end; i += 3, o += 4) {
    const x = b[i] as number;
    const y = i + 1 < end ? (b[i + 1] as number) : -1;
    const z = i + 2 < end ? (b[i + 2] as number) : -1;
    codes[o] = B64.charCodeAt(x >> 2);
    codes[o + 1] = B64.charCodeAt(((x & 3) << 4) | (y < 0 ? 0 : y >> 4));
    codes[o + 2] = y < 0 ? 61 : B64.charCodeAt(((y & 15) << 2) | (z < 0 ? 0 : z >> 6));
    codes[o + 3] = z < 0 ? 61 : B64.charCodeAt(z & 63);
  }
  // One flat string, where appending a character at a time allocated one per character.
  return String.fromCharCode.apply(null, codes);
}

/** Byte `i` of the bytes a base64 text encodes: bits 8i..8i+7 of its digits (6 bits a digit). */
function base64ByteAt(b64: string, i: number): number {
  const bit = i * 8;
  const d = (bit / 6) | 0;
  const hi = B64_VALUE[b64.charCodeAt(d) & 127] ?? -1;
  const lo = B64_VALUE[b64.charCodeAt(d + 1) & 127] ?? -1;
  // Past the end (or '=' padding) reads as 0 bits, as Buffer's decode did.
  return ((((hi < 0 ? 0 : hi) << 6) | (lo < 0 ? 0 : lo)) >> (4 - (bit % 6))) & 255;
}

/** Inverse of `encodeVersionField`, read from the base64 text (validation reads one per key read). */
export function decodeVersionField(b64: string): Height {
  if (base64ByteAt(b64, 0) !== 0x0a) throw new Error(`~version: not a VersionAndMetadata encoding: ${b64}`);
  let i = 2;
  let len = base64ByteAt(b64, i++);
  let block = 0;
  for (let k = 0; k < len; k++) block = block * 256 + base64ByteAt(b64, i++);
  len = base64ByteAt(b64, i++);
  let tx = 0;
  for (let k = 0; k < len; k++) tx = tx * 256 + base64ByteAt(b64, i++);
  return { block, tx };
}

const HEX_CODES = new Uint8Array(16);
for (let i = 0; i < 16; i++) HEX_CODES[i] = '0123456789abcdef'.charCodeAt(i);
/**
 * Char codes of a revision being built (`<generation>-<32 hex>`), one reused array per
 * number of generation digits: String.fromCharCode takes one whole and makes one flat
 * string (56 bytes), where `${gen}-` + hex made a concatenation (32 bytes) holding two
 * strings (24 + 48 bytes); every peer keeps one revision per document.
 */
const revCodes: number[][] = [];

/** Writes the 8 hex digits of `w` (as unsigned) at `at` of `codes`. */
function putHex8(codes: number[], w: number, at: number): void {
  for (let k = 7; k >= 0; k--) {
    codes[at + k] = HEX_CODES[w & 15] as number;
    w >>>= 4;
  }
}

/** Two 32-bit FNV-style lanes over a string. */
function hash2(text: string, seed1: number, seed2: number): [number, number] {
  let h1 = seed1;
  let h2 = seed2;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193);
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
  }
  return [h1, h2];
}

/** hash2 of the empty previous revision (a document's first write), computed once. */
const FIRST_REV_HASH = hash2('', 0x9e3779b9, 0x85ebca6b);

/**
 * CouchDB's `_rev`: `<generation>-<32 hex>`. CouchDB hashes the revision tree with MD5; the
 * model mixes the previous revision with a hash of the new body (same shape, deterministic,
 * cheap on the replay path).
 */
function nextRev(prev: string | undefined, bodyHash: readonly [number, number]): string {
  // The previous generation's decimal digits, read in place (no slice).
  let gen = 1;
  if (prev !== undefined) {
    let g = 0;
    for (let i = 0, c = prev.charCodeAt(0); c >= 48 && c <= 57; c = prev.charCodeAt(++i)) g = g * 10 + (c - 48);
    gen = g + 1;
  }
  const [p1, p2] = prev === undefined ? FIRST_REV_HASH : hash2(prev, 0x9e3779b9, 0x85ebca6b);
  let digits = 1;
  for (let g = gen; g >= 10; g = Math.floor(g / 10)) digits++;
  const codes = (revCodes[digits] ??= new Array<number>(digits + 33).fill(0));
  for (let k = digits - 1, g = gen; k >= 0; k--, g = Math.floor(g / 10)) codes[k] = 48 + (g % 10);
  codes[digits] = 45; // '-'
  putHex8(codes, bodyHash[0] ^ p1, digits + 1);
  putHex8(codes, bodyHash[1] ^ p2, digits + 9);
  putHex8(codes, Math.imul(bodyHash[0] ^ p2, 0x27d4eb2f), digits + 17);
  putHex8(codes, Math.imul(bodyHash[1] ^ p1, 0x165667b1), digits + 25);
  return String.fromCharCode.apply(null, codes);
}

const EMPTY_HASH = hash2('', 0x811c9dc5, 0x01000193);

/**
 * Hash of a write's value. Not memoised: the first peer that stores a write hashes it, the
 * others and a replay take its document (sharedDocs), and a memo kept a pair of numbers per
 * write for the run's length.
 */
function valueHash(w: KVWrite): [number, number] {
  return hash2(w.value ?? '', 0x811c9dc5, 0x01000193);
}

/**
 * The document a ledger write became, per (immutable) write object, with what it was built
 * from: the previous revision, the version and the database. Every peer commits the same
 * write objects (block.ts keeps one TxWrites per block's data), normally after the same
 * revision at the same version: the second and third peer then store the first one's
 * document and volume key (one revision, `~version` and key string for the channel where
 * each peer built its own), and a replay (`recommitLostBlocks` after rebuild-dbs) stores
 * the documents the peer had. A document is immutable, so sharing it changes nothing a
 * reader sees.
 */
const sharedDocs = new WeakMap<KVWrite, { readonly prevRev: string | undefined; readonly block: number; readonly tx: number; readonly keyPrefix: string; readonly doc: StoredDoc; readonly volumeKey: string }>();

/**
 * A document as the volume keeps it: the revision, and either the ledger value with its
 * `~version` (ledger keys) or the body (plain documents: metadata, design docs).
 * `toCouchDoc` gives CouchDB's JSON shape.
 */
export interface StoredDoc {
  readonly _id: string;
  readonly _rev: string;
  /** `~version` (ledger keys only). */
  readonly ver?: string;
  /** The ledger value as written (ledger keys only). */
  readonly value?: string;
  /** The body of a plain document. */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly deleted?: true;
}

/** Parsed JSON values, memoised per (immutable) stored document: a value is parsed when first read. */
const parsedValues = new WeakMap<StoredDoc, Readonly<Record<string, unknown>> | null>();

/** Top-level fields of a document: a JSON object value or a plain body; null for a non-JSON value. */
export function fieldsOf(d: StoredDoc): Readonly<Record<string, unknown>> | null {
  if (d.body !== undefined) return d.body;
  let v = parsedValues.get(d);
  if (v === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(d.value ?? '');
    } catch {
      parsed = undefined;
    }
    v = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    parsedValues.set(d, v);
  }
  return v;
}

/** `keyValToCouchDoc`: CouchDB's JSON of a stored document (a JSON value's fields at top level, anything else as the `valueBytes` attachment). */
export function toCouchDoc(d: StoredDoc): CouchDoc {
  if (d.deleted === true) return { _id: d._id, _rev: d._rev, _deleted: true };
  const fields = fieldsOf(d);
  const doc: Record<string, unknown> =
    fields !== null
      ? { _id: d._id, _rev: d._rev, ...fields }
      : { _id: d._id, _rev: d._rev, _attachments: { valueBytes: { content_type: 'application/octet-stream', data: Buffer.from(d.value ?? '').toString('base64') } } };
  if (d.ver !== undefined) doc['~version'] = d.ver;
  return doc as CouchDoc;
}

/** The ledger value a stored document holds. */
export function docValue(d: StoredDoc): string {
  return d.value ?? JSON.stringify(d.body ?? null);
}

/** The ledger version of a stored document (null for plain documents). */
export function docVersion(d: StoredDoc): Height | null {
  return d.ver === undefined ? null : decodeVersionField(d.ver);
}

class CouchDatabase {
  readonly docs = new Map<string, StoredDoc>();
  docCount = 0;
  docDelCount = 0;
  updateSeq = 0;
  /**
   * `couchdb/<db>/`, the volume key prefix of its documents, built once: a document's key
   * is then one concatenation (32 bytes) of it and the document id (the id string the
   * document holds), where building the prefix for each key kept three concatenations a key.
   */
  readonly keyPrefix: string;
  constructor(readonly name: string) {
    this.keyPrefix = `${COUCH_PREFIX}${name}/`;
  }

  info(): CouchDbInfo {
    return { db_name: this.name, doc_count: this.docCount, doc_del_count: this.docDelCount, update_seq: this.updateSeq };
  }
}

/** The CouchDB instance of one peer: a mirror of its volume, written through `persist`. */
export class CouchInstance {
  private readonly dbs = new Map<string, CouchDatabase>();
  private readonly dirty = new Set<CouchDatabase>();

  /** Load every database from the volume (the `couchdb/` keys of the durable store). */
  static load(durable: DurableView): CouchInstance {
    const c = new CouchInstance();
    for (const key of durable.keys()) {
      if (!key.startsWith(COUCH_PREFIX)) continue;
      const rest = key.slice(COUCH_PREFIX.length);
      const slash = rest.indexOf('/');
      const dbName = rest.slice(0, slash);
      const id = rest.slice(slash + 1);
      let db = c.dbs.get(dbName);
      if (db === undefined) {
        db = new CouchDatabase(dbName);
        c.dbs.set(dbName, db);
      }
      if (id === INFO_KEY) {
        const info = durable.get<CouchDbInfo>(key) as CouchDbInfo;
        db.docCount = info.doc_count;
        db.docDelCount = info.doc_del_count;
        db.updateSeq = info.update_seq;
      } else {
        db.docs.set(id, durable.get<StoredDoc>(key) as StoredDoc);
      }
    }
    // A database whose info record is gone was deleted mid-way: it does not exist.
    for (const [name] of [...c.dbs]) if (!durable.has(`${COUCH_PREFIX}${name}/${INFO_KEY}`)) c.dbs.delete(name);
    return c;
  }

  /** `GET /_all_dbs` (sorted, system DBs excluded since we keep none). */
  allDbs(): string[] {
    return [...this.dbs.keys()].sort();
  }

  exists(db: string): boolean {
    return this.dbs.has(db);
  }

  info(db: string): CouchDbInfo | undefined {
    return this.dbs.get(db)?.info();
  }

  /** `createDatabaseIfNotExist`: logs `Created state database %s` when it creates one. */
  createDatabaseIfNotExist(name: string, out: Out): void {
    if (this.dbs.has(name)) return;
    const db = new CouchDatabase(name);
    this.dbs.set(name, db);
    this.persistInfo(db, out);
    out.log('couchdb.created', [name]);
  }

  /** A live document as stored, or undefined. */
  stored(db: string, id: string): StoredDoc | undefined {
    const doc = this.dbs.get(db)?.docs.get(id);
    return doc === undefined || doc.deleted === true ? undefined : doc;
  }

  /** A live document (CouchDB's JSON), or undefined. */
  get(db: string, id: string): CouchDoc | undefined {
    const d = this.stored(db, id);
    return d === undefined ? undefined : toCouchDoc(d);
  }

  /** Live documents of a database in `_id` order (the `_all_docs` view), as stored. */
  liveStored(db: string): StoredDoc[] {
    const d = this.dbs.get(db);
    if (d === undefined) return [];
    const ids = [...d.docs.keys()].sort();
    const out: StoredDoc[] = [];
    for (const id of ids) {
      const doc = d.docs.get(id) as StoredDoc;
      if (doc.deleted !== true) out.push(doc);
    }
    return out;
  }

  /** Live documents of a database in `_id` order, as CouchDB's JSON. */
  liveDocs(db: string): CouchDoc[] {
    return this.liveStored(db).map(toCouchDoc);
  }

  /** Write a plain document (metadata, design docs): creates or updates it. */
  putDoc(dbName: string, id: string, body: Readonly<Record<string, unknown>>, out: Out): void {
    const db = this.mustDb(dbName);
    const prev = db.docs.get(id);
    const doc: StoredDoc = { _id: id, _rev: nextRev(prev?._rev, hash2(JSON.stringify(body), 0x811c9dc5, 0x01000193)), body };
    this.store(db, id, prev, doc, out);
  }

  /** Write a ledger key at a version; a null value deletes it (tombstone). */
  putState(dbName: string, w: KVWrite, version: Height, out: Out): void {
    const db = this.mustDb(dbName);
    const prev = db.docs.get(w.key);
    if (w.value === null) {
      if (prev === undefined || prev.deleted === true) return;
      this.store(db, w.key, prev, { _id: w.key, _rev: nextRev(prev._rev, EMPTY_HASH), deleted: true }, out);
      return;
    }
    const prevRev = prev?._rev;
    const shared = sharedDocs.get(w);
    if (shared !== undefined && shared.prevRev === prevRev && shared.block === version.block && shared.tx === version.tx && shared.keyPrefix === db.keyPrefix) {
      this.store(db, w.key, prev, shared.doc, out, shared.volumeKey);
      return;
    }
    const doc: StoredDoc = { _id: w.key, _rev: nextRev(prevRev, valueHash(w)), ver: encodeVersionField(version), value: w.value };
    const volumeKey = db.keyPrefix + w.key;
    sharedDocs.set(w, { prevRev, block: version.block, tx: version.tx, keyPrefix: db.keyPrefix, doc, volumeKey });
    this.store(db, w.key, prev, doc, out, volumeKey);
  }

  /** Persist the updated database info records (once per commit, not per document). */
  flushInfo(out: Out): void {
    for (const db of this.dirty) this.persistInfo(db, out);
    this.dirty.clear();
  }

  private store(db: CouchDatabase, id: string, prev: StoredDoc | undefined, doc: StoredDoc, out: Out, volumeKey = db.keyPrefix + id): void {
    const wasLive = prev !== undefined && prev.deleted !== true;
    const wasDeleted = prev !== undefined && prev.deleted === true;
    const nowLive = doc.deleted !== true;
    if (nowLive && !wasLive) db.docCount++;
    if (!nowLive && wasLive) db.docCount--;
    if (!nowLive && !wasDeleted) db.docDelCount++;
    if (nowLive && wasDeleted) db.docDelCount--;
    db.updateSeq++;
    db.docs.set(id, doc);
    out.persist({ op: 'set', key: volumeKey, value: doc });
    this.dirty.add(db);
  }

  private persistInfo(db: CouchDatabase, out: Out): void {
    out.persist({ op: 'set', key: `${COUCH_PREFIX}${db.name}/${INFO_KEY}`, value: db.info() });
  }

  /**
   * Databases deleted under the running peer (`DELETE /db` from outside). The peer's handle
   * (statecouchdb `namespaceDBs`) is cached, so nothing recreates them: the next request that
   * reaches one gets CouchDB's 404. Reads keep their answers here (the peer's state cache).
   */
  private readonly deletedUnder = new Set<string>();

  databaseDeletedUnder(name: string): void {
    this.deletedUnder.add(name);
  }

  isDeletedUnder(name: string): boolean {
    return this.deletedUnder.has(name);
  }

  private mustDb(name: string): CouchDatabase {
    const db = this.dbs.get(name);
    if (db === undefined) throw new Error(`couchdb: database ${name} does not exist`);
    return db;
  }
}

/** `curl -X DELETE /<db>` on the volume: removes the database; returns whether it existed. */
export function deleteDatabase(durable: { deletePrefix(prefix: string): number }, db: string): boolean {
  return durable.deletePrefix(`${COUCH_PREFIX}${db}/`) > 0;
}

/** `statecouchdb.DropApplicationDBs`: every database whose name does not start with `_`. */
export function dropApplicationDbs(durable: { keys(): string[]; deletePrefix(prefix: string): number }): string[] {
  const names = new Set<string>();
  for (const k of durable.keys()) {
    if (!k.startsWith(COUCH_PREFIX)) continue;
    const rest = k.slice(COUCH_PREFIX.length);
    names.add(rest.slice(0, rest.indexOf('/')));
  }
  const dropped = [...names].filter((n) => !n.startsWith('_')).sort();
  for (const n of dropped) deleteDatabase(durable, n);
  return dropped;
}

/** CouchDB's answer to `GET /<db>` when the database is missing. */
export const DB_NOT_FOUND = '{"error":"not_found","reason":"Database does not exist."}';
