/**
 * Checkers over what consenters decided, outside the protocol (VOPR-style): agreement,
 * sequence integrity / hash chain, validity, liveness and accountability. Pure functions
 * over collected `bft.decided` facts (see `decidedFacts`) or over ledgers.
 */
import type { Simulation } from '../kernel/simulation.ts';
import type { TraceRecord } from '../kernel/trace.ts';
import type { Decision } from './api.ts';
import { requestKey } from '../consensus/crypto.ts';
import type { SavedMessage } from './messages.ts';
import { computeQuorum } from '../consensus/quorum.ts';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A `bft.decided` fact with the node that emitted it and when. */
export interface DecidedFact {
  readonly node: string;
  readonly t: number;
  readonly seq: number;
  readonly digest: string;
  readonly view: number;
  readonly signers: readonly number[];
  readonly viaSync: boolean;
  readonly prev: string;
  readonly txCount: number;
}

export interface NodeLedger {
  readonly node: string;
  readonly decisions: readonly Decision[];
}

/** Collect `bft.decided` facts from trace records. */
export function decidedFacts(records: readonly TraceRecord[]): DecidedFact[] {
  const out: DecidedFact[] = [];
  for (const r of records) {
    if (r.k !== 'event') continue;
    const e = r.e as { type?: string };
    if (e.type === 'bft.decided') out.push({ ...(r.e as Omit<DecidedFact, 'node' | 't'>), node: r.node, t: r.t });
  }
  return out;
}

function honestOnly(facts: readonly DecidedFact[], byzantine: readonly string[]): DecidedFact[] {
  // Stryker disable next-line ConditionalExpression: a shortcut; filtering by an empty list keeps every fact
  return byzantine.length === 0 ? [...facts] : facts.filter((f) => !byzantine.includes(f.node));
}

/** Agreement: no two honest nodes decide different digests at one sequence. */
// Stryker disable next-line ArrayDeclaration: a default list with an element names a node no run has
export function checkAgreement(facts: readonly DecidedFact[], byzantine: readonly string[] = []): CheckResult {
  const bySeq = new Map<number, DecidedFact>();
  for (const f of honestOnly(facts, byzantine)) {
    const first = bySeq.get(f.seq);
    if (first === undefined) bySeq.set(f.seq, f);
    else if (first.digest !== f.digest) {
      return {
        name: 'agreement',
        ok: false,
        detail: `fork at block ${f.seq}: ${first.node} decided ${first.digest} but ${f.node} decided ${f.digest}`,
      };
    }
  }
  return { name: 'agreement', ok: true, detail: `${bySeq.size} blocks, every honest node agrees on each` };
}

/** Sequence integrity: each node decides 1, 2, 3 ... once each, each block chained to the one before. */
// Stryker disable next-line ArrayDeclaration: a default list with an element names a node no run has
export function checkSequenceIntegrity(facts: readonly DecidedFact[], byzantine: readonly string[] = []): CheckResult {
  const last = new Map<string, DecidedFact>();
  for (const f of honestOnly(facts, byzantine)) {
    const prev = last.get(f.node);
    const want = (prev?.seq ?? 0) + 1;
    if (f.seq !== want) return { name: 'sequence integrity', ok: false, detail: `${f.node} decided block ${f.seq} after block ${want - 1}` };
    if (f.prev !== (prev?.digest ?? '')) {
      return { name: 'sequence integrity', ok: false, detail: `${f.node}: block ${f.seq} does not chain to block ${want - 1}` };
    }
    last.set(f.node, f);
  }
  return { name: 'sequence integrity', ok: true, detail: `${last.size} nodes, every chain consecutive and linked` };
}

/** Validity: every decided request was submitted, and none is decided twice on one chain. */
// Stryker disable next-line ArrayDeclaration: a default list with an element names a node no run has
export function checkValidity(ledgers: readonly NodeLedger[], submitted: ReadonlySet<string>, byzantine: readonly string[] = []): CheckResult {
  let total = 0;
  for (const l of ledgers) {
    if (byzantine.includes(l.node)) continue;
    const seen = new Map<string, number>();
    for (const d of l.decisions) {
      for (const r of d.proposal.payload) {
        const k = requestKey(r);
        if (!submitted.has(k)) return { name: 'validity', ok: false, detail: `${l.node} decided request ${k} in block ${d.seq}, but no client submitted it` };
        const before = seen.get(k);
        if (before !== undefined) return { name: 'validity', ok: false, detail: `${l.node} decided request ${k} twice, in blocks ${before} and ${d.seq}` };
        seen.set(k, d.seq);
        total++;
      }
    }
  }
  return { name: 'validity', ok: true, detail: `${total} decided requests, all submitted, none twice` };
}

export interface LivenessInput {
  /** Ledgers of the honest nodes that must have decided everything. */
  readonly ledgers: readonly NodeLedger[];
  /** Requests that must be decided. */
  readonly submitted: readonly string[];
  readonly n: number;
  /** How many consenters were up, honest and connected during the liveness phase. */
  readonly live: number;
  /** The bound the liveness phase was given, in ms. */
  readonly boundMs: number;
}

/** Liveness: after healing, every request decided everywhere within the bound; if not, why. */
export function checkLiveness(input: LivenessInput): CheckResult {
  const { q } = computeQuorum(input.n);
  for (const l of input.ledgers) {
    const have = new Set<string>();
    for (const d of l.decisions) for (const r of d.proposal.payload) have.add(requestKey(r));
    const missing = input.submitted.filter((k) => !have.has(k));
    if (missing.length === 0) continue;
    const why =
      input.live < q
        ? `only ${input.live} of ${input.n} orderers were up, honest and connected, and a quorum needs ${q}`
        : `a quorum (${input.live} of ${input.n}, Q=${q}) was live but ${missing.length} requests stayed undecided, so the leader kept them out or the view change did not finish`;
    return {
      name: 'liveness',
      ok: false,
      detail: `${l.node} did not decide ${missing.length} of ${input.submitted.length} requests (first ${missing[0]}) within ${input.boundMs} ms: ${why}`,
    };
  }
  return { name: 'liveness', ok: true, detail: `${input.ledgers.length} nodes decided all ${input.submitted.length} requests within ${input.boundMs} ms` };
}

/**
 * Accountability: when two decisions conflict at one sequence, the consenters whose
 * signatures appear on both are provably faulty (two quorums intersect in f+1 nodes).
 */
export function checkAccountability(facts: readonly DecidedFact[]): CheckResult & { readonly culprits: readonly number[] } {
  const bySeq = new Map<number, Map<string, Set<number>>>();
  for (const f of facts) {
    let m = bySeq.get(f.seq);
    if (m === undefined) bySeq.set(f.seq, (m = new Map()));
    let signers = m.get(f.digest);
    if (signers === undefined) m.set(f.digest, (signers = new Set()));
    for (const x of f.signers) signers.add(x);
  }
  const culprits = new Set<number>();
  const forks: string[] = [];
  for (const [seq, m] of [...bySeq.entries()].sort((a, b) => a[0] - b[0])) {
    if (m.size < 2) continue;
    const sets = [...m.values()];
    const both = new Set<number>();
    // Stryker disable next-line EqualityOperator: at i = sets.length the inner loop has no j to run
    for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) for (const x of sets[i] as Set<number>) if ((sets[j] as Set<number>).has(x)) both.add(x);
    }
    for (const x of both) culprits.add(x);
    forks.push(`block ${seq}: ${m.size} conflicting decisions, signed by both: [${[...both].sort((a, b) => a - b).join(' ')}]`);
  }
  const list = [...culprits].sort((a, b) => a - b);
  if (forks.length === 0) return { name: 'accountability', ok: true, detail: 'no conflicting decisions', culprits: list };
  return { name: 'accountability', ok: false, detail: forks.join('; '), culprits: list };
}

/** One restart of a consenter: what its disk held, and where it started. */
export interface RestartObservation {
  readonly node: string;
  readonly t: number;
  /** The durable ledger and WAL the node restarted from. */
  readonly ledger: readonly Decision[];
  readonly wal: readonly SavedMessage[];
  /** Its first `bft.viewStarted` after the restart (undefined: none seen). */
  readonly started: { readonly view: number; readonly seq: number } | undefined;
}

/**
 * Record every restart of the SmartBFT consenters `nodes` (kernel node names; in SimCluster
 * its SmartBFT orderers) in `sim`: the disk each restarts from (taken at the `restart`
 * record, before it boots) and its first view. Call the returned function for the
 * observations so far.
 */
export function observeRestarts(sim: Simulation, nodes: readonly string[]): () => RestartObservation[] {
  const watched = new Set(nodes);
  const out: { node: string; t: number; ledger: readonly Decision[]; wal: readonly SavedMessage[]; started: RestartObservation['started'] }[] = [];
  const pending = new Map<string, (typeof out)[number]>();
  sim.observe(
    (r) => {
      if (r.k === 'restart') {
        if (!watched.has(r.node)) return;
        const d = sim.durable(r.node);
        const o = { node: r.node, t: r.t, ledger: d.list<Decision>('ledger'), wal: d.list<SavedMessage>('wal'), started: undefined };
        out.push(o);
        pending.set(r.node, o);
        return;
      }
      // Stryker disable next-line ConditionalExpression: the observer is registered for restart and event records only
      if (r.k === 'event') {
        const e = r.e as { type?: string; view?: number; seq?: number };
        const o = pending.get(r.node);
        if (e.type !== 'bft.viewStarted' || o === undefined) return;
        o.started = { view: e.view as number, seq: e.seq as number };
        pending.delete(r.node);
      }
    },
    ['restart', 'event'],
  );
  return () => out.slice();
}

/**
 * Restart resumption: a restarted orderer starts at the sequence after its ledger's last
 * block, and in a view no lower than its WAL recorded (a NewView record's view, the view a
 * ViewChange record was leaving) or its last block was decided in (consensus.go
 * setViewAndSeq, LoadNewViewIfApplicable, LoadViewChangeIfApplicable).
 */
export function checkRestartResume(observations: readonly RestartObservation[]): CheckResult {
  const name = 'restart resumption';
  for (const o of observations) {
    if (o.started === undefined) return { name, ok: false, detail: `${o.node} restarted at ${o.t} ms but never started a view` };
    const last = o.ledger[o.ledger.length - 1];
    const wantSeq = o.ledger.length + 1;
    if (o.started.seq !== wantSeq) {
      return { name, ok: false, detail: `${o.node} restarted at ${o.t} ms with ${o.ledger.length} blocks but started at sequence ${o.started.seq}, not ${wantSeq}` };
    }
    let minView = last?.proposal.metadata.viewId ?? 0;
    let why = `its last block was decided in view ${minView}`;
    const tail = o.wal[o.wal.length - 1];
    if (tail?.type === 'NewView' && tail.viewId > minView) {
      minView = tail.viewId;
      why = `its WAL ends with a NewView for view ${tail.viewId} at sequence ${tail.latestSequence}`;
    } else if (tail?.type === 'ViewChange' && tail.nextView > minView) {
      minView = tail.nextView;
      why = `its WAL ends with a ViewChange leaving view ${tail.nextView}`;
    }
    if (o.started.view < minView) return { name, ok: false, detail: `${o.node} restarted at ${o.t} ms in view ${o.started.view}, but ${why}` };
  }
  return { name, ok: true, detail: `${observations.length} restarts, each resumed its ledger's sequence and its WAL's view` };
}
