/**
 * A peer's connection to the ordering service's Deliver API, in its two Fabric forms:
 *
 * - `bft` (Fabric 3.x with BFT orderers; common/deliverclient/blocksprovider/bft_deliverer.go,
 *   bft_censorship_monitor.go): blocks are pulled from one orderer (a shuffled endpoint list,
 *   cycled on failure) while header receivers follow every other orderer. A header ahead of
 *   the block receiver raises a suspicion; if no block catches up within
 *   `blockCensorshipTimeout` (30s) the source is declared censoring and replaced. After a
 *   failure the deliverer moves to the next endpoint; the back-off is
 *   `min(100ms * 2^round, 1h)` where round = failures / endpoints.
 * - `cft` (the 2.x path; deliverer.go): one random orderer; on failure sleep
 *   `1.2^(failures-1) * 100ms` (capped at reConnectBackoffThreshold 1h) and reconnect.
 *
 * Connections: a stream is up when the orderer answers the seek (`connTimeout` 3s); a dial
 * to an orderer whose process is down is refused at once; a broken
 * stream is seen at once on a connection reset (the orderer process died), or by keepalive
 * (`peer.keepalive.deliveryClient` interval 60s, timeout 20s) when the network is cut.
 */
import type { NodeContext, NodeId } from '../kernel/types.ts';
import type { Block } from './block.ts';
import { CHANNEL, blockDataHash, hashHex } from './block.ts';
import type { Out } from './effects.ts';
import { goDuration } from '../../shared/duration.ts';
import type { DeliverBlock, DeliverHeader, DeliverToPeer, FabricMessage } from './messages.ts';

export interface DeliverConfig {
  readonly connTimeoutMs: number;
  readonly minimalReconnectIntervalMs: number;
  readonly reConnectBackoffThresholdMs: number;
  readonly blockCensorshipTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveTimeoutMs: number;
}

export const DEFAULT_DELIVER_CONFIG: DeliverConfig = {
  connTimeoutMs: 3_000,
  minimalReconnectIntervalMs: 100,
  reConnectBackoffThresholdMs: 3_600_000,
  blockCensorshipTimeoutMs: 30_000,
  keepaliveIntervalMs: 60_000,
  keepaliveTimeoutMs: 20_000,
};

/** What the deliverer needs from its peer. */
export interface DeliverHost {
  /** Ledger height plus blocks already buffered in order: the next block number wanted. */
  nextWanted(): number;
  /** Hand a verified block to the payload buffer (blocking add). */
  onBlock(block: Block, out: Out<FabricMessage>, ctx: NodeContext): void;
  /** Minimum orderer signatures a block must carry (BlockValidation policy). */
  readonly minSigners: number;
  /** Header hash of block `n` if the peer holds it (committed or buffered), else null. */
  headerHash(n: number): string | null;
  /** The org of an orderer (whose TLS root CAs the channel config lists for it). */
  ordererOrg(orderer: NodeId): string;
}

/**
 * An orderer endpoint as Fabric prints it (common/deliverclient/orderers/connection.go
 * Endpoint.String): `Address: host:7050, CertHash: <MD5 of its TLS root certs, %X>`. The
 * model has no certificates: the org's TLS CA name stands for the PEM bytes.
 */
export function endpointString(orderer: NodeId, org: string): string {
  const key = `${orderer}\u0000${org}`;
  let text = endpointTexts.get(key);
  if (text === undefined) {
    text = `Address: ${orderer}:7050, CertHash: ${hashHex('md5', `tlsca.${org}`).toUpperCase()}`;
    endpointTexts.set(key, text);
  }
  return text;
}

/**
 * Endpoint texts by orderer and org, built once: every peer's deliverer names its sources
 * on each (re)connection and refresh, and the MD5 was 0.2% of a `check` schedule's CPU.
 */
const endpointTexts = new Map<string, string>();

interface Stream {
  readonly orderer: NodeId;
  readonly session: number;
  connected: boolean;
}

const BACKOFF_BASE_CFT = 1.2;

/** `backOffDuration(base, exp, min, max)` of blocksprovider/util.go. */
function backOff(base: number, exp: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * Math.pow(base, exp));
}

export class DeliverClient {
  private sources: NodeId[] = [];
  private index = 0;
  private failures = 0;
  private totalSleepMs = 0;
  private nextSession = 1;
  private block: Stream | null = null;
  private readonly headers = new Map<NodeId, Stream & { lastNum: number; failures: number }>();
  private suspicion: { number: number; at: number } | null = null;
  /** Highest block number the block receiver has handed over. */
  private lastReceived = -1;
  stopped = false;

  constructor(
    readonly mode: 'bft' | 'cft',
    private readonly orderers: readonly NodeId[],
    private readonly cfg: DeliverConfig,
    private readonly host: DeliverHost,
  ) {}

  private endpoint(orderer: NodeId): string {
    return endpointString(orderer, this.host.ordererOrg(orderer));
  }

  /** Start delivery (`StartDeliverForChannel`), logging what Fabric logs. */
  start(out: Out<FabricMessage>, ctx: NodeContext, disseminate: boolean): void {
    out.log(disseminate ? 'deliveryClient.retrieveAndGossip' : 'deliveryClient.retrieveOnly', [], true);
    this.lastReceived = this.host.nextWanted() - 1;
    if (this.mode === 'bft') {
      out.log('deliveryClient.createBFT', [CHANNEL]);
      out.log('blocksprovider.startDeliver', [CHANNEL, this.host.nextWanted()], true);
      this.sources = ctx.rng.shuffle(this.orderers);
      this.index = 0;
      // `Refreshed endpoints: %s` of a []*Endpoint: each element's String(), space-separated, in brackets.
      out.log('blocksprovider.refreshed', [`[${this.sources.map((s) => this.endpoint(s)).join(' ')}]`], true);
    } else {
      out.log('deliveryClient.createCFT', [CHANNEL]);
      this.sources = [ctx.rng.pick(this.orderers)];
    }
    this.connect(out, ctx);
  }

  /** Stop delivery (leadership renounced): close every stream. */
  stop(out: Out<FabricMessage>): void {
    this.stopped = true;
    this.closeAll(out);
    for (const t of ['deliver.connect', 'deliver.retry', 'deliver.keepalive', 'deliver.pingTimeout', 'deliver.censorship']) out.cancel(t);
  }

  /** The orderer blocks come from now (null while reconnecting). */
  get source(): NodeId | null {
    return this.block?.connected === true ? this.block.orderer : null;
  }

  private connect(out: Out<FabricMessage>, ctx: NodeContext): void {
    const orderer = this.sources[this.index] as NodeId;
    const session = this.nextSession++;
    this.block = { orderer, session, connected: false };
    out.send(orderer, { type: 'deliver.seek', session, start: this.host.nextWanted(), headersOnly: false });
    out.timer('deliver.connect', this.cfg.connTimeoutMs, session);
    if (this.mode === 'bft') {
      for (const o of this.sources) if (o !== orderer) this.connectHeaders(o, out, 0);
    }
  }

  private connectHeaders(o: NodeId, out: Out<FabricMessage>, failures: number): void {
    const session = this.nextSession++;
    const prev = this.headers.get(o);
    this.headers.set(o, { orderer: o, session, connected: false, lastNum: prev?.lastNum ?? -1, failures });
    out.send(o, { type: 'deliver.seek', session, start: Math.max(this.lastReceived + 1, (prev?.lastNum ?? -1) + 1), headersOnly: true });
    out.timer(`deliver.hconnect:${o}`, this.cfg.connTimeoutMs, session);
  }

  private closeAll(out: Out<FabricMessage>): void {
    if (this.block !== null) out.send(this.block.orderer, { type: 'deliver.cancel', session: this.block.session });
    this.block = null;
    for (const h of this.headers.values()) {
      out.send(h.orderer, { type: 'deliver.cancel', session: h.session });
      out.cancel(`deliver.hconnect:${h.orderer}`);
      out.cancel(`deliver.hretry:${h.orderer}`);
    }
    this.headers.clear();
    this.suspicion = null;
    out.cancel('deliver.censorship');
  }

  /** The block stream failed: move on (BFT: next endpoint) and back off. */
  private fail(out: Out<FabricMessage>, ctx: NodeContext): void {
    this.closeAll(out);
    out.cancel('deliver.keepalive');
    out.cancel('deliver.pingTimeout');
    out.cancel('deliver.connect');
    this.failures++;
    let sleepMs: number;
    if (this.mode === 'bft') {
      this.index = (this.index + 1) % this.sources.length;
      const round = Math.floor(this.failures / this.sources.length);
      sleepMs = backOff(2, round, this.cfg.minimalReconnectIntervalMs, this.cfg.reConnectBackoffThresholdMs);
      this.totalSleepMs += sleepMs;
      out.log('blocksprovider.retry', [this.failures, round, goDuration(sleepMs)], true);
    } else {
      sleepMs = Math.round(backOff(BACKOFF_BASE_CFT, this.failures - 1, this.cfg.minimalReconnectIntervalMs, this.cfg.reConnectBackoffThresholdMs));
      this.totalSleepMs += sleepMs;
      out.log('blocksprovider.disconnected', [goDuration(sleepMs), goDuration(this.totalSleepMs)], true);
      this.sources = [ctx.rng.pick(this.orderers)];
      this.index = 0;
    }
    out.timer('deliver.retry', sleepMs);
  }

  /** The orderer's process went away: the stream breaks at once (a TCP reset). */
  connectionReset(orderer: NodeId, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (this.stopped) return;
    if (this.block !== null && this.block.orderer === orderer && this.block.connected) {
      this.streamBroken('rpc error: code = Unavailable desc = error reading from server: EOF', out, ctx);
      return;
    }
    const h = this.headers.get(orderer);
    if (h !== undefined && h.connected) this.retryHeaders(h.orderer, h.failures + 1, out);
  }

  /**
   * A dial to the orderer was refused (its process is down). The deliverer's connections
   * block with `FailOnNonTempDialError(true)` (internal/pkg/comm/config.go DialOptions), so
   * a refused connection, a non-temporary error, fails the dial at once instead of waiting
   * for `connTimeout` (grpc clientconn.go DialContext; transport/http2_client.go
   * newHTTP2Client "transport: error while dialing").
   */
  connectionRefused(orderer: NodeId, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (this.stopped) return;
    const addr = `${orderer}:7050`;
    if (this.block !== null && this.block.orderer === orderer && !this.block.connected) {
      const err = `could not dial endpoint '${addr}': failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp ${addr}: connect: connection refused"`;
      out.log('blocksprovider.couldNotConnect', [err], true);
      this.fail(out, ctx);
      return;
    }
    const h = this.headers.get(orderer);
    if (h !== undefined && !h.connected) {
      out.cancel(`deliver.hconnect:${orderer}`);
      this.retryHeaders(orderer, h.failures + 1, out);
    }
  }

  /**
   * The block stream's Recv failed (block_receiver.go): Start's goroutine logs the error and
   * closes the channel, ProcessIncoming finds it closed ("hung up"), FetchBlocks reports it.
   */
  private streamBroken(recvErr: string, out: Out<FabricMessage>, ctx: NodeContext): void {
    const addr = `${(this.block as Stream).orderer}:7050`;
    const fields = { 'orderer-address': addr };
    out.logWith('blockReceiver.readError', [recvErr], fields);
    out.logWith('blockReceiver.hungUp', [], fields);
    out.log('blocksprovider.processFailure', [`orderer \`${addr}\` hung up without sending status`], true);
    this.fail(out, ctx);
  }

  /** processMsg returned an error (block_receiver.go ProcessIncoming): logged, wrapped, reported by FetchBlocks. */
  private processError(err: string, out: Out<FabricMessage>, ctx: NodeContext): void {
    const addr = `${(this.block as Stream).orderer}:7050`;
    out.logWith('blockReceiver.gotError', [err], { 'orderer-address': addr });
    out.log('blocksprovider.processFailure', [`got error while attempting to receive blocks from orderer \`${addr}\`: ${err}`], true);
    this.fail(out, ctx);
  }

  private retryHeaders(o: NodeId, failures: number, out: Out<FabricMessage>): void {
    const h = this.headers.get(o);
    if (h !== undefined) {
      h.connected = false;
      out.send(o, { type: 'deliver.cancel', session: h.session });
    }
    out.timer(`deliver.hretry:${o}`, backOff(2, failures, this.cfg.minimalReconnectIntervalMs, this.cfg.reConnectBackoffThresholdMs), failures);
  }

  /** Handle a message of the Deliver API (streams it does not own are ignored). */
  onMessage(from: NodeId, msg: DeliverToPeer, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (this.stopped) return;
    const b = this.block;
    const isBlockStream = b !== null && b.orderer === from && b.session === msg.session;
    const h = this.headers.get(from);
    const isHeaderStream = h !== undefined && h.session === msg.session;
    switch (msg.type) {
      case 'deliver.connected':
        if (isBlockStream && b !== null) {
          b.connected = true;
          out.cancel('deliver.connect');
          out.timer('deliver.keepalive', this.cfg.keepaliveIntervalMs);
        } else if (isHeaderStream && h !== undefined) {
          h.connected = true;
          h.failures = 0;
          out.cancel(`deliver.hconnect:${from}`);
        }
        return;
      case 'deliver.block':
        if (isBlockStream) this.onBlock(msg, out, ctx);
        return;
      case 'deliver.header':
        if (isHeaderStream) this.onHeader(h, msg, out, ctx);
        return;
      case 'deliver.pong':
        if (!isBlockStream) return;
        out.cancel('deliver.pingTimeout');
        if (!msg.ok) this.streamBroken('rpc error: code = Canceled desc = stream closed by the ordering service', out, ctx);
        else out.timer('deliver.keepalive', this.cfg.keepaliveIntervalMs);
        return;
    }
  }

  private onBlock(msg: DeliverBlock, out: Out<FabricMessage>, ctx: NodeContext): void {
    const block = msg.block;
    const wanted = this.host.nextWanted();
    if (block.header.number < wanted) return;
    const problem = this.verify(block, wanted);
    if (problem !== null) {
      // processMsg: errors.WithMessagef(err, "block [%d] from orderer [%s] could not be verified", ...).
      this.processError(`block [${block.header.number}] from orderer [${this.endpoint((this.block as Stream).orderer)}] could not be verified: ${problem}`, out, ctx);
      return;
    }
    this.host.onBlock(block, out, ctx);
    this.lastReceived = Math.max(this.lastReceived, block.header.number);
    this.failures = 0;
    this.totalSleepMs = 0;
    if (this.suspicion !== null && this.lastReceived >= this.suspicion.number) {
      this.suspicion = null;
      out.cancel('deliver.censorship');
    }
  }

  /**
   * BlockVerificationAssistant.VerifyBlock (common/deliverclient/block_verification.go):
   * the number, the hash chain, the data hash, the orderers' signatures.
   *
   * A Deliver stream is gapless (gRPC over TCP). A gap means the stream lost blocks, which
   * in the model is a network cut shorter than the keepalive: verifyHeader's number check
   * fails and the peer reconnects from the height it has, as for any broken stream.
   */
  private verify(block: Block, wanted: number): string | null {
    const n = block.header.number;
    if (n !== wanted) return `expected block number is [${wanted}] but actual block number inside block is [${n}]`;
    const prev = n > 0 ? this.host.headerHash(n - 1) : null;
    if (prev !== null && prev !== block.header.previousHash) {
      return `Header.PreviousHash of block [${n}] is different from Hash(block.Header) of previous block, on channel [${CHANNEL}], received: ${block.header.previousHash}, expected: ${prev}`;
    }
    const dataHash = blockDataHash(block.data);
    if (dataHash !== block.header.dataHash) {
      return `Header.DataHash is different from Hash(block.Data) for block with id [${n}] on channel [${CHANNEL}]; Header: ${block.header.dataHash}, Data: ${dataHash}`;
    }
    if (n > 0 && block.metadata.signers.length < this.host.minSigners) {
      return `implicit policy evaluation failed - ${block.metadata.signers.length} sub-policies were satisfied, but this policy requires ${this.host.minSigners} of the 'BlockValidation' sub-policies to be satisfied`;
    }
    return null;
  }

  private onHeader(h: Stream & { lastNum: number }, msg: DeliverHeader, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (msg.signers.length < this.host.minSigners && msg.header.number > 0) return;
    h.lastNum = Math.max(h.lastNum, msg.header.number);
    const progress = Math.max(this.lastReceived, this.host.nextWanted() - 1);
    if (this.suspicion === null && h.lastNum > progress) {
      this.suspicion = { number: h.lastNum, at: ctx.now };
      out.timer('deliver.censorship', this.cfg.blockCensorshipTimeoutMs);
    }
  }

  /** Timers named `deliver.*`. */
  onTimer(name: string, data: unknown, out: Out<FabricMessage>, ctx: NodeContext): void {
    if (this.stopped) return;
    if (name === 'deliver.connect') {
      if (this.block !== null && this.block.session === data && !this.block.connected) {
        // The blocking dial gave up at DialTimeout (bft_deliverer.go FetchBlocks; the error of
        // delivery_requester.go Connect wrapping comm/config.go ClientConfig.Dial's).
        out.log('blocksprovider.couldNotConnect', [`could not dial endpoint '${this.block.orderer}:7050': failed to create new connection: context deadline exceeded`], true);
        this.fail(out, ctx);
      }
    } else if (name === 'deliver.retry') {
      this.connect(out, ctx);
    } else if (name === 'deliver.keepalive') {
      if (this.block !== null) {
        out.send(this.block.orderer, { type: 'deliver.ping', session: this.block.session });
        out.timer('deliver.pingTimeout', this.cfg.keepaliveTimeoutMs);
      }
    } else if (name === 'deliver.pingTimeout') {
      if (this.block !== null) this.streamBroken('rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout', out, ctx);
    } else if (name === 'deliver.censorship') {
      const s = this.suspicion;
      if (s !== null && this.lastReceived < s.number && this.block !== null) {
        const ep = this.endpoint(this.block.orderer);
        out.log('censorship.detected', [ep], true);
        out.log('blocksprovider.censorshipSuspicion', [`block censorship detected, endpoint: ${ep}`], true);
        out.fact('peer.deliver.censorship', { orderer: this.block.orderer, header: s.number, lastBlock: this.lastReceived });
        this.fail(out, ctx);
      }
    } else if (name.startsWith('deliver.hconnect:')) {
      const o = name.slice('deliver.hconnect:'.length);
      const h = this.headers.get(o);
      if (h !== undefined && h.session === data && !h.connected) this.retryHeaders(o, h.failures + 1, out);
    } else if (name.startsWith('deliver.hretry:')) {
      const o = name.slice('deliver.hretry:'.length);
      if (this.headers.has(o)) this.connectHeaders(o, out, typeof data === 'number' ? data : 0);
    }
  }
}
