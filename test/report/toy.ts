/**
 * A toy BFT protocol for the report's tests: small enough to read in one sitting, real
 * enough to give the report what a SmartBFT run gives it. Orderers run pre-prepare /
 * prepare / commit with a leader per view (orderers[view mod n]), heartbeats, a view
 * change when the leader goes quiet, sync of missed sequences, and send blocks to peers;
 * they emit `bft.decided`, `consensus_BFT_committed_block_number` and
 * `consensus_smartbft_view_number`; peers emit `ledger_blockchain_height` and
 * `peer.committed`. It runs on the real kernel, so the trace is a real trace.
 */
import { Simulation } from '../../src/sim/kernel/index.ts';
import type { Effect, NodeMachine, TraceRecord } from '../../src/sim/kernel/index.ts';
import type { ReportInput, ReportResultLike } from '../../src/report/data.ts';

type Msg =
  | { type: 'PrePrepare'; view: number; seq: number }
  | { type: 'Prepare'; view: number; seq: number }
  | { type: 'Commit'; view: number; seq: number }
  | { type: 'HeartBeat'; view: number; seq: number }
  | { type: 'ViewChange'; next: number }
  | { type: 'NewView'; view: number; seq: number }
  | { type: 'StateTransferRequest' }
  | { type: 'StateTransferResponse'; view: number; seq: number }
  | { type: 'Block'; seq: number }
  | { type: 'DeliverRequest'; from: number };

interface OrdererState {
  view: number;
  seq: number;
  accepted: number | null;
  commitSent: boolean;
  prepares: Map<number, Set<string>>;
  commits: Map<number, Set<string>>;
  votes: Map<number, Set<string>>;
  voted: number;
}

const HB_MS = 100;
const HB_TIMEOUT_MS = 500;
const BATCH_MS = 200;

export function toyOrderer(orderers: readonly string[], peers: readonly string[], q: number): NodeMachine<OrdererState, Msg> {
  const leaderOf = (view: number): string => orderers[view % orderers.length] as string;
  const others = (self: string): string[] => orderers.filter((o) => o !== self);
  const bcast = (self: string, msg: Msg): Effect<Msg>[] => others(self).map((to) => ({ kind: 'send', to, msg }));
  const timers = (s: OrdererState, self: string): Effect<Msg>[] =>
    leaderOf(s.view) === self
      ? [{ kind: 'setTimer', name: 'hb', afterMs: HB_MS }, { kind: 'setTimer', name: 'batch', afterMs: BATCH_MS }, { kind: 'cancelTimer', name: 'hbTimeout' }]
      : [{ kind: 'setTimer', name: 'hbTimeout', afterMs: HB_TIMEOUT_MS }, { kind: 'cancelTimer', name: 'hb' }, { kind: 'cancelTimer', name: 'batch' }];
  const add = (m: Map<number, Set<string>>, k: number, who: string): number => {
    let set = m.get(k);
    if (set === undefined) m.set(k, (set = new Set()));
    set.add(who);
    return set.size;
  };
  const enterView = (s: OrdererState, self: string, view: number, seq: number): Effect<Msg>[] => {
    s.view = view;
    s.accepted = null;
    s.commitSent = false;
    const fx: Effect<Msg>[] = [
      { kind: 'persist', op: { op: 'set', key: 'view', value: view } },
      { kind: 'emit', event: { type: 'metric', name: 'consensus_smartbft_view_number', value: view } },
      ...timers(s, self),
    ];
    if (leaderOf(view) === self) fx.push(...bcast(self, { type: 'NewView', view, seq }));
    return fx;
  };
  const progress = (s: OrdererState, self: string): Effect<Msg>[] => {
    const next = s.seq + 1;
    if (s.accepted !== next) return [];
    const fx: Effect<Msg>[] = [];
    if (!s.commitSent && (s.prepares.get(next)?.size ?? 0) >= q) {
      s.commitSent = true;
      add(s.commits, next, self);
      fx.push(...bcast(self, { type: 'Commit', view: s.view, seq: next }));
    }
    const signers = s.commits.get(next);
    if (s.commitSent && signers !== undefined && signers.size >= q) {
      s.seq = next;
      s.accepted = null;
      s.commitSent = false;
      fx.push(
        { kind: 'persist', op: { op: 'set', key: 'seq', value: next } },
        { kind: 'emit', event: { type: 'bft.decided', seq: next, digest: `d${next}`, view: s.view, signers: [...signers].sort(), viaSync: false } },
        { kind: 'emit', event: { type: 'metric', name: 'consensus_BFT_committed_block_number', value: next } },
        ...peers.map((to): Effect<Msg> => ({ kind: 'send', to, msg: { type: 'Block', seq: next } })),
      );
      if (leaderOf(s.view) === self) fx.push({ kind: 'setTimer', name: 'batch', afterMs: BATCH_MS });
    }
    return fx;
  };
  return {
    start(ctx, durable) {
      const s: OrdererState = {
        view: durable.get<number>('view') ?? 0,
        seq: durable.get<number>('seq') ?? 0,
        accepted: null,
        commitSent: false,
        prepares: new Map(),
        commits: new Map(),
        votes: new Map(),
        voted: 0,
      };
      return {
        state: s,
        effects: [
          { kind: 'emit', event: { type: 'metric', name: 'consensus_BFT_committed_block_number', value: s.seq } },
          { kind: 'emit', event: { type: 'metric', name: 'consensus_smartbft_view_number', value: s.view } },
          ...timers(s, ctx.self),
        ],
      };
    },
    step(s, input, ctx) {
      const self = ctx.self;
      if (input.kind === 'timer') {
        if (input.name === 'hb') return [...bcast(self, { type: 'HeartBeat', view: s.view, seq: s.seq }), { kind: 'setTimer', name: 'hb', afterMs: HB_MS }];
        if (input.name === 'batch') {
          if (s.accepted !== null) return [];
          const seq = s.seq + 1;
          s.accepted = seq;
          add(s.prepares, seq, self);
          return [...bcast(self, { type: 'PrePrepare', view: s.view, seq }), ...progress(s, self)];
        }
        if (input.name === 'hbTimeout') {
          const next = Math.max(s.view + 1, s.voted + 1);
          s.voted = next;
          add(s.votes, next, self);
          return [...bcast(self, { type: 'ViewChange', next }), { kind: 'setTimer', name: 'hbTimeout', afterMs: HB_TIMEOUT_MS * 2 }];
        }
        return [];
      }
      if (input.kind !== 'message') return [];
      const { from, msg } = input;
      switch (msg.type) {
        case 'HeartBeat':
        case 'NewView':
          if (msg.view < s.view || from !== leaderOf(msg.view)) return [];
          if (msg.seq > s.seq) return [{ kind: 'send', to: from, msg: { type: 'StateTransferRequest' } }, ...(msg.view > s.view ? enterView(s, self, msg.view, msg.seq) : timers(s, self))];
          return msg.view > s.view ? enterView(s, self, msg.view, msg.seq) : timers(s, self);
        case 'PrePrepare': {
          if (msg.view !== s.view || from !== leaderOf(s.view)) return [];
          if (msg.seq > s.seq + 1) return [{ kind: 'send', to: from, msg: { type: 'StateTransferRequest' } }];
          if (msg.seq !== s.seq + 1) return [];
          s.accepted = msg.seq;
          add(s.prepares, msg.seq, from);
          add(s.prepares, msg.seq, self);
          return [...bcast(self, { type: 'Prepare', view: s.view, seq: msg.seq }), ...timers(s, self), ...progress(s, self)];
        }
        case 'Prepare':
          add(s.prepares, msg.seq, from);
          return progress(s, self);
        case 'Commit':
          add(s.commits, msg.seq, from);
          return progress(s, self);
        case 'ViewChange': {
          if (msg.next <= s.view) return [];
          add(s.votes, msg.next, from);
          const fx: Effect<Msg>[] = [];
          if (s.voted < msg.next) {
            s.voted = msg.next;
            add(s.votes, msg.next, self);
            fx.push(...bcast(self, { type: 'ViewChange', next: msg.next }));
          }
          if ((s.votes.get(msg.next)?.size ?? 0) >= q) fx.push(...enterView(s, self, msg.next, s.seq));
          return fx;
        }
        case 'StateTransferRequest':
          return [{ kind: 'send', to: from, msg: { type: 'StateTransferResponse', view: s.view, seq: s.seq } }];
        case 'StateTransferResponse': {
          const fx: Effect<Msg>[] = [];
          for (let seq = s.seq + 1; seq <= msg.seq; seq++) {
            fx.push({ kind: 'emit', event: { type: 'bft.decided', seq, digest: `d${seq}`, view: msg.view, signers: [], viaSync: true } });
          }
          if (msg.seq > s.seq) {
            s.seq = msg.seq;
            s.accepted = null;
            fx.push({ kind: 'persist', op: { op: 'set', key: 'seq', value: s.seq } });
          }
          return fx;
        }
        case 'DeliverRequest': {
          const fx: Effect<Msg>[] = [];
          for (let seq = msg.from; seq <= s.seq; seq++) fx.push({ kind: 'send', to: from, msg: { type: 'Block', seq } });
          return fx;
        }
        default:
          return [];
      }
    },
    describe(msg) {
      switch (msg.type) {
        case 'ViewChange':
          return `ViewChange nv${msg.next}`;
        case 'StateTransferRequest':
          return 'StateTransferRequest';
        case 'Block':
          return `Block ${msg.seq}`;
        case 'DeliverRequest':
          return `DeliverRequest ${msg.from}`;
        default:
          return `${msg.type} v${msg.view} s${msg.seq}`;
      }
    },
    fields(msg) {
      switch (msg.type) {
        case 'ViewChange':
          return { type: msg.type, view: msg.next };
        case 'StateTransferRequest':
        case 'Block':
        case 'DeliverRequest':
          return { type: msg.type };
        default:
          return { type: msg.type, view: msg.view, seq: msg.seq };
      }
    },
  };
}

export function toyPeer(source: string): NodeMachine<{ height: number }, Msg> {
  return {
    start(_ctx, durable) {
      const height = durable.get<number>('height') ?? 1;
      return {
        state: { height },
        effects: [
          { kind: 'emit', event: { type: 'metric', name: 'ledger_blockchain_height', value: height } },
          { kind: 'send', to: source, msg: { type: 'DeliverRequest', from: height } },
        ],
      };
    },
    step(s, input) {
      if (input.kind !== 'message' || input.msg.type !== 'Block' || input.msg.seq !== s.height) return [];
      s.height++;
      return [
        { kind: 'persist', op: { op: 'set', key: 'height', value: s.height } },
        { kind: 'emit', event: { type: 'peer.committed', block: input.msg.seq, hash: `h${input.msg.seq}`, txCount: 1 } },
        { kind: 'emit', event: { type: 'metric', name: 'ledger_blockchain_height', value: s.height } },
      ];
    },
  };
}

export const ORDERERS = ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'];
export const PEERS = ['peer0.techpulse', 'peer0.dataforge', 'peer0.org3'];

export interface ToyRun {
  readonly sim: Simulation;
  readonly input: ReportInput;
}

/**
 * The lab's kill-orderer demo on the toy: stop `victim` at 1 s, restart it at 3 s, run
 * to 5 s. With `victim` the leader (orderer.techpulse) the others change view.
 */
export function runToy(victim = 'orderer.dataforge', seed = 7): ToyRun {
  const sim = new Simulation({ seed, trace: { keep: true } });
  const q = 3;
  for (const o of ORDERERS) sim.addNode(o, toyOrderer(ORDERERS, PEERS, q));
  PEERS.forEach((p, i) => sim.addNode(p, toyPeer(ORDERERS[i] as string)));
  const steps: { index: number; op: string; name: string; ok: boolean; at: number }[] = [];
  sim.at(1000, () => {
    sim.note(`stop ${victim}`);
    sim.crash(victim);
    steps.push({ index: 0, op: 'stop', name: `stop ${victim}`, ok: true, at: sim.now });
  });
  sim.at(3000, () => {
    sim.note(`start ${victim}`);
    sim.restart(victim);
    steps.push({ index: 1, op: 'start', name: `start ${victim}`, ok: true, at: sim.now });
  });
  sim.run({ until: 5000 });
  steps.push({ index: 2, op: 'waitUntil', name: `${victim} catches up`, ok: true, at: sim.now });
  const result: ReportResultLike = { scenario: 'toy-kill-orderer', seed, target: 'sim', passed: true, traceHash: sim.trace.hash(), steps, checks: [{ name: 'agreement', ok: true, detail: '' }] };
  return { sim, input: { result, records: sim.trace.records as TraceRecord[], nodes: { orderers: ORDERERS, peers: PEERS }, quorum: { n: 4, f: 1, q } } };
}
