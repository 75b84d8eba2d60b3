/**
 * Raft vs SmartBFT under the same faults, directly on the kernel: the lab's "Why BFT over
 * Raft?" argued with the models instead of prose.
 *
 * For each fault (a leader crash, a leader that corrupts block data, a leader that
 * equivocates) and each protocol, one run: n orderers with the lab's names, a warm-up
 * request, the fault on the current leader, then pairs of client requests every 10 s for
 * 60 s, then a quiet phase up to 150 s. Clients reach Raft through one orderer (a Raft
 * orderer forwards to its leader and does not deduplicate, so sending to all would order
 * each transaction n times) and SmartBFT through every orderer (as Fabric's gateway does).
 * A client resubmits a request not ordered within 15 s (up to 3 times), as an application
 * does when the gateway reports an error.
 *
 * Behaviours: Raft `corrupt-block` / SmartBFT `corruptProposal`; `equivocate` on both.
 * The checkers are SmartBFT's (src/sim/smartbft/checkers.ts): agreement over decided facts
 * (`raft.decided` carries `bft.decided`'s fields), validity over ledgers, liveness over the
 * requests sent after the fault, all over the honest nodes only.
 */
import { Simulation, type TraceRecord } from '../sim/kernel/index.ts';
import { createRaftNode, type RaftState } from '../sim/raft/index.ts';
import type { Request } from '../sim/consensus/types.ts';
import { createConsenter } from '../sim/smartbft/api.ts';
import { checkAgreement, checkLiveness, checkValidity, type CheckResult, type DecidedFact, type NodeLedger } from '../sim/smartbft/checkers.ts';
import { requestKey } from '../sim/consensus/crypto.ts';
import { leaderOfView } from '../sim/consensus/quorum.ts';
import type { ConsenterState } from '../sim/smartbft/state.ts';

export type FaultKind = 'crash' | 'corrupt-block' | 'equivocate';
export type Protocol = 'raft' | 'smartbft';

export const FAULTS: readonly { readonly kind: FaultKind; readonly title: string; readonly raft: string | null; readonly smartbft: string | null }[] = [
  { kind: 'crash', title: 'the leader crashes', raft: null, smartbft: null },
  { kind: 'corrupt-block', title: 'the leader corrupts block data (adds a transaction no client sent)', raft: 'corrupt-block', smartbft: 'corruptProposal' },
  { kind: 'equivocate', title: 'the leader equivocates (a different block to each half of the followers)', raft: 'equivocate', smartbft: 'equivocate' },
];

export interface Property {
  readonly held: boolean;
  readonly detail: string;
  /** Why it held or broke, one sentence. */
  readonly why: string;
}

export interface Outcome {
  readonly protocol: Protocol;
  readonly fault: FaultKind;
  readonly faulty: string;
  readonly behaviour: string | null;
  readonly agreement: Property;
  readonly validity: Property;
  readonly liveness: Property;
  /** Leaders (node names) in the order they led after the fault. */
  readonly leadersAfter: readonly string[];
  readonly traceHash: string;
}

export interface RaftVsBftResult {
  readonly n: number;
  readonly seed: number;
  readonly outcomes: readonly Outcome[];
  /** What the comparison must show, each with whether it did. */
  readonly expectations: readonly { readonly text: string; readonly met: boolean }[];
  readonly passed: boolean;
}

const NAMES = ['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering'];
const FAULT_AT_MS = 10_000;
const REQUEST_EVERY_MS = 10_000;
const REQUEST_ROUNDS = 7;
const END_MS = 150_000;
const CLIENT_RETRY_MS = 15_000;
const CLIENT_RETRIES = 3;

function ordererNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => NAMES[i] ?? `orderer${i + 1}.ordering`);
}

interface Harness {
  readonly sim: Simulation;
  readonly names: readonly string[];
  leader(): string | undefined;
  ledger(name: string): NodeLedger;
  submit(r: Request, honest: readonly string[]): void;
  facts(records: readonly TraceRecord[]): DecidedFact[];
}

function raftHarness(n: number, seed: number): Harness {
  const names = ordererNames(n);
  const nodes = names.map((name, i) => ({ id: i + 1, name }));
  const sim = new Simulation({ seed, trace: { keep: true } });
  for (const nd of nodes) sim.addNode(nd.name, createRaftNode({ id: nd.id, nodes, events: 'facts' }));
  const st = (nm: string): RaftState | undefined => sim.state<RaftState>(nm);
  return {
    sim,
    names,
    leader: () => names.find((nm) => st(nm)?.role === 'leader'),
    ledger: (nm) => ({ node: nm, decisions: st(nm)?.ledger ?? sim.durable(nm).list('ledger') }),
    submit(r, honest) {
      // One orderer, as a Fabric 2.x client broadcasts: an honest follower, which forwards.
      const to = honest.find((nm) => sim.isUp(nm) && st(nm)?.role !== 'leader') ?? honest.find((nm) => sim.isUp(nm));
      if (to !== undefined) sim.command(to, { type: 'submit', request: r });
    },
    facts: (records) => decided(records, 'raft.decided'),
  };
}

function bftHarness(n: number, seed: number): Harness {
  const names = ordererNames(n);
  const nodes = names.map((name, i) => ({ id: i + 1, name }));
  const sim = new Simulation({ seed, trace: { keep: true } });
  for (const nd of nodes) sim.addNode(nd.name, createConsenter({ id: nd.id, nodes, events: 'facts' }));
  const st = (nm: string): ConsenterState | undefined => sim.state<ConsenterState>(nm);
  return {
    sim,
    names,
    leader: () => {
      const votes = new Map<number, number>();
      for (const nm of names) {
        const s = st(nm);
        if (s === undefined) continue;
        const l = leaderOfView(s.nodes, s.view.number);
        votes.set(l, (votes.get(l) ?? 0) + 1);
      }
      const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
      return best === undefined ? undefined : names[best[0] - 1];
    },
    ledger: (nm) => ({ node: nm, decisions: st(nm)?.ledger ?? sim.durable(nm).list('ledger') }),
    submit(r) {
      for (const nm of names) if (sim.isUp(nm)) sim.command(nm, { type: 'submit', request: r });
    },
    facts: (records) => decided(records, 'bft.decided'),
  };
}

function decided(records: readonly TraceRecord[], type: string): DecidedFact[] {
  const out: DecidedFact[] = [];
  for (const r of records) {
    if (r.k !== 'event') continue;
    const e = r.e as { type?: string };
    if (e.type === type) out.push({ ...(r.e as Omit<DecidedFact, 'node' | 't'>), node: r.node, t: r.t });
  }
  return out;
}

type PropertyName = 'agreement' | 'validity' | 'liveness';

/** Why a property held or broke in one run, one sentence, from what the run showed. */
function why(protocol: Protocol, fault: FaultKind, name: PropertyName, held: boolean, leaderChanged: boolean, synced: number): string {
  if (protocol === 'raft') {
    switch (name) {
      case 'agreement':
        if (!held) return "Raft followers check only an entry's (index, term), never its content, so each group accepted the block it was sent and both were committed at the same height.";
        return fault === 'crash'
          ? 'One leader at a time sends entries, and a new one needs votes from a majority whose logs are up to date, so the copies never diverged.'
          : 'Every follower appended exactly what the one leader sent it, so all copies match, whatever the leader put in them.';
      case 'validity':
        if (!held) return 'Raft followers never look inside a block, so a transaction the leader made up was replicated, committed and written like any other.';
        return fault === 'crash' ? 'A crashed leader sends nothing, and the next one ordered only what clients sent.' : 'This leader reordered what clients sent but made nothing up, so every transaction was genuine.';
      case 'liveness':
        if (!held) return 'The requests sent after the fault were not all ordered: a majority could not make progress or the leader kept them out.';
        return fault === 'crash'
          ? 'A majority stayed up and elected a new leader within an election timeout, and clients resubmitted what the dead leader had dropped.'
          : 'The lying leader kept ordering and the followers kept following it: nothing in Raft tells them to replace it.';
    }
  }
  switch (name) {
    case 'agreement':
      if (!held) return 'More than f orderers misbehaved, so two quorums could be made to disagree.';
      return 'A block needs Q matching Prepares and Commits, and any two quorums share an honest orderer, so two different blocks cannot both be decided at one height.';
    case 'validity':
      if (!held) return 'A proposal that no client sent gathered a quorum of votes.';
      if (fault === 'corrupt-block') return 'Followers check each proposal before voting (its digest must match its content), so the changed proposal never gathered a quorum.';
      if (fault === 'equivocate') return 'Both proposals carried only submitted requests; followers voted on the one they were shown and only one reached a quorum.';
      return 'A crashed leader proposes nothing, and the next one proposed only requests from the clients.';
    case 'liveness':
      if (!held) return 'The faulty leader kept requests out and no view change completed within the bound.';
      if (leaderChanged) return 'Followers whose requests were not ordered complained, and a view change made the next orderer leader, which ordered them.';
      return synced > 0
        ? `The leader still formed a quorum with the followers shown the same block, so blocks kept being decided, and the others caught up by sync (${synced} blocks).`
        : 'The leader still formed a quorum with the followers shown the same block, so blocks kept being decided everywhere.';
  }
}

function prop(protocol: Protocol, fault: FaultKind, name: PropertyName, c: CheckResult, leaderChanged: boolean, synced: number): Property {
  return { held: c.ok, detail: c.detail, why: why(protocol, fault, name, c.ok, leaderChanged, synced) };
}

/** One fault on one protocol. */
export function runOne(protocol: Protocol, fault: FaultKind, n: number, seed: number): Outcome {
  const h = protocol === 'raft' ? raftHarness(n, seed) : bftHarness(n, seed);
  const spec = FAULTS.find((f) => f.kind === fault);
  if (spec === undefined) throw new RangeError(`raft-vs-bft: unknown fault "${fault}"`);
  const behaviour = protocol === 'raft' ? spec.raft : spec.smartbft;
  const submitted = new Set<string>();
  const after: string[] = [];
  let faulty = '';
  let honest: string[] = [...h.names];

  const orderedSomewhere = (key: string): boolean =>
    honest.some((nm) => h.ledger(nm).decisions.some((d) => d.proposal.payload.some((x) => requestKey(x) === key)));
  const send = (reqId: string, afterFault: boolean): void => {
    const r: Request = { clientId: 'client', reqId, size: 1_000, payload: reqId };
    const key = requestKey(r);
    submitted.add(key);
    if (afterFault) after.push(key);
    h.submit(r, honest);
    // The client resubmits what is not ordered within CLIENT_RETRY_MS (a Raft follower
    // forwarding to a dead leader returns an error; the application retries).
    for (let k = 1; k <= CLIENT_RETRIES; k++) {
      h.sim.after(k * CLIENT_RETRY_MS, () => {
        if (!orderedSomewhere(key)) h.submit(r, honest);
      });
    }
  };

  h.sim.at(3_000, () => send('warm-up', false));
  const leadersAfter: string[] = [];
  h.sim.at(FAULT_AT_MS, () => {
    faulty = h.leader() ?? (h.names[0] as string);
    honest = h.names.filter((nm) => nm !== faulty);
    if (fault === 'crash') h.sim.crash(faulty);
    else h.sim.command(faulty, { type: 'byzantine', behaviour });
    h.sim.note(`raft-vs-bft: ${faulty} ${fault === 'crash' ? 'crashes' : `turns ${behaviour ?? ''}`}`);
  });
  for (let k = 0; k < REQUEST_ROUNDS; k++) {
    h.sim.at(FAULT_AT_MS + 1 + k * REQUEST_EVERY_MS, () => {
      send(`tx${k}a`, true);
      send(`tx${k}b`, true);
      const l = h.leader();
      if (l !== undefined && leadersAfter[leadersAfter.length - 1] !== l) leadersAfter.push(l);
    });
  }
  h.sim.run({ until: END_MS });
  const lastLeader = h.leader();
  if (lastLeader !== undefined && leadersAfter[leadersAfter.length - 1] !== lastLeader) leadersAfter.push(lastLeader);

  const byzantine = fault === 'crash' ? [] : [faulty];
  const facts = h.facts(h.sim.trace.records);
  const ledgers = h.names.map((nm) => h.ledger(nm));
  const honestUp = honest.filter((nm) => h.sim.isUp(nm));
  const agreement = checkAgreement(facts, byzantine);
  const validity = checkValidity(ledgers, submitted, byzantine);
  // Liveness: every honest orderer that is up has every request sent after the fault.
  const liveness = checkLiveness({
    ledgers: ledgers.filter((l) => honestUp.includes(l.node)),
    submitted: after,
    n,
    live: honestUp.length,
    boundMs: END_MS - FAULT_AT_MS,
  });
  const leaderChanged = leadersAfter.some((l) => l !== faulty);
  const synced = facts.filter((f) => f.viaSync && !byzantine.includes(f.node)).length;
  return {
    protocol,
    fault,
    faulty,
    behaviour,
    agreement: prop(protocol, fault, 'agreement', agreement, leaderChanged, synced),
    validity: prop(protocol, fault, 'validity', validity, leaderChanged, synced),
    liveness: prop(protocol, fault, 'liveness', liveness, leaderChanged, synced),
    leadersAfter,
    traceHash: h.sim.trace.hash(),
  };
}

export interface RaftVsBftOptions {
  readonly n: number;
  readonly seed: number;
}

/** Every fault on both protocols, with what the comparison must show. */
export function runRaftVsBft(opts: RaftVsBftOptions): RaftVsBftResult {
  if (!Number.isInteger(opts.n) || opts.n < 4) throw new RangeError(`raft-vs-bft: n must be an integer >= 4 (SmartBFT needs 3f+1 with f >= 1), got ${String(opts.n)}`);
  const outcomes: Outcome[] = [];
  for (const f of FAULTS) for (const p of ['raft', 'smartbft'] as const) outcomes.push(runOne(p, f.kind, opts.n, opts.seed));
  const get = (p: Protocol, f: FaultKind): Outcome => outcomes.find((o) => o.protocol === p && o.fault === f) as Outcome;
  const allHeld = (o: Outcome): boolean => o.agreement.held && o.validity.held && o.liveness.held;
  const smartSafe = (o: Outcome): boolean => o.agreement.held && o.validity.held;
  const expectations = [
    { text: 'crash: Raft keeps agreement, validity and liveness', met: allHeld(get('raft', 'crash')) },
    { text: 'crash: SmartBFT keeps agreement, validity and liveness', met: allHeld(get('smartbft', 'crash')) },
    { text: 'corrupt block: Raft writes the forged transaction (validity broken)', met: !get('raft', 'corrupt-block').validity.held },
    { text: 'corrupt block: SmartBFT decides nothing forged and nothing forks', met: smartSafe(get('smartbft', 'corrupt-block')) },
    { text: 'corrupt block: SmartBFT replaces the leader and keeps ordering', met: get('smartbft', 'corrupt-block').liveness.held && get('smartbft', 'corrupt-block').leadersAfter.length > 1 },
    { text: 'equivocation: Raft forks (agreement broken)', met: !get('raft', 'equivocate').agreement.held },
    { text: 'equivocation: SmartBFT does not fork', met: smartSafe(get('smartbft', 'equivocate')) },
  ];
  return { n: opts.n, seed: opts.seed, outcomes, expectations, passed: expectations.every((e) => e.met) };
}

function mark(p: Property): string {
  return p.held ? 'held  ' : 'BROKEN';
}

/** The comparison as text that teaches: per fault, per protocol, which property held or broke, and why. */
export function renderRaftVsBft(r: RaftVsBftResult): string {
  const out: string[] = [`Raft vs SmartBFT, ${r.n} orderers, seed ${r.seed} (same faults, same requests, checkers over the honest orderers)`, ''];
  for (const f of FAULTS) {
    out.push(`Fault: ${f.title}`);
    for (const o of r.outcomes.filter((x) => x.fault === f.kind)) {
      const who = o.protocol === 'raft' ? 'Raft    ' : 'SmartBFT';
      const led = o.leadersAfter.length > 0 ? `; leaders after the fault: ${o.leadersAfter.join(' -> ')}` : '';
      out.push(`  ${who} (faulty: ${o.faulty}${o.behaviour === null ? ', crashed' : `, ${o.behaviour}`}${led})`);
      for (const [name, p] of [
        ['agreement', o.agreement],
        ['validity ', o.validity],
        ['liveness ', o.liveness],
      ] as const) {
        out.push(`    ${name} ${mark(p)} ${p.why}`);
        if (!p.held) out.push(`              ${p.detail}`);
      }
    }
    out.push('');
  }
  out.push('What this shows:');
  for (const e of r.expectations) out.push(`  [${e.met ? 'x' : ' '}] ${e.text}`);
  out.push('', r.passed ? 'PASSED: Raft survives crashes only; SmartBFT also survives a lying leader.' : 'FAILED: the runs did not show every expected outcome (see the unchecked lines).');
  return out.join('\n') + '\n';
}
