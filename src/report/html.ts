/**
 * The HTML report: one self-contained file (inline CSS, inline script, the run's data
 * as JSON; no network access, no external fonts) that shows a run the way the lab's
 * Grafana panel and RaftScope would: the steps, committed block per orderer and ledger
 * height per peer over simulated time with faults shaded, the consensus messages around
 * the chosen moment, each node's state at that moment, and the quorum argument for n.
 *
 * The page's script is `client.js` beside this file (plain browser JavaScript, drawn
 * with SVG written here, no charting library). Data reaches the page as JSON inside a
 * `<script type="application/json">` element with `<` escaped, and the script writes it
 * only through textContent / setAttribute, so a node name or log text cannot inject HTML.
 */
import { readFileSync } from 'node:fs';
import { computeQuorum } from '../sim/consensus/quorum.ts';
import { fmtTick, tickStep } from './ticks.ts';
import { buildReportData, type OrdererMessage, type ReportData, type ReportInput, type Series } from './data.ts';

const CLIENT_JS = readFileSync(new URL('./client.js', import.meta.url), 'utf8');
if (/<\/script|<!--/i.test(CLIENT_JS)) throw new Error('report: client.js must not contain "</script" or "<!--" (it is inlined in a <script> element)');

/** The axis-label functions the page shares with the tests (ticks.ts), as page script. */
const TICKS_JS = `${fmtTick.toString()}\n${tickStep.toString()}\n`;

const FATE_CODE: Record<OrdererMessage['fate'], number> = { delivered: 0, loss: 1, partition: 2, down: 3, 'in-flight': 4, stream: 5, backoff: 6 };

/** Milliseconds to 0.001 ms, as the trace's canonical lines print them. */
function ms(t: number): number {
  return Math.round(t * 1000) / 1000;
}

function packSeries(s: readonly Series[]): { node: string; points: [number, number][] }[] {
  return s.map(({ node, points }) => ({ node, points: points.map(([t, v]): [number, number] => [ms(t), v]) }));
}

/**
 * What the page reads: the report data with messages packed as a flat number array,
 * 9 numbers each (sent, end, from, to, type, view, seq, fate, flags), sorted by send
 * time, so a run with 10,000+ messages stays a few hundred kilobytes.
 */
export function pageData(data: ReportData): Record<string, unknown> {
  const oi = new Map(data.orderers.map((o, i) => [o, i]));
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const msgs: number[] = [];
  let maxFlight = 0;
  const sorted = [...data.messages].sort((a, b) => a.sent - b.sent || a.id - b.id);
  // Distinct proposals of one sequence (an equivocation has two), each numbered in order of
  // first send: the page gives each its own colour. `proposalMsgs` pairs a message's index
  // with its proposal's.
  const proposals: { seq: number; digest: string; nth: number }[] = [];
  const proposalIndex = new Map<string, number>();
  const perSeq = new Map<number, number>();
  const proposalMsgs: [number, number][] = [];
  for (const [i, m] of sorted.entries()) {
    if (m.digest === null || m.seq === null) continue;
    const key = `${m.seq}/${m.digest}`;
    let k = proposalIndex.get(key);
    if (k === undefined) {
      k = proposals.length;
      const nth = perSeq.get(m.seq) ?? 0;
      perSeq.set(m.seq, nth + 1);
      proposals.push({ seq: m.seq, digest: m.digest, nth });
      proposalIndex.set(key, k);
    }
    proposalMsgs.push([i, k]);
  }
  for (const m of sorted) {
    let ti = typeIndex.get(m.type);
    if (ti === undefined) {
      ti = types.length;
      types.push(m.type);
      typeIndex.set(m.type, ti);
    }
    const flags = (m.byzantine ? 1 : 0) | (m.certificate ? 2 : 0) | (m.duplicated ? 4 : 0);
    msgs.push(ms(m.sent), ms(m.end), oi.get(m.from) ?? 0, oi.get(m.to) ?? 0, ti, m.view ?? -1, m.seq ?? -1, FATE_CODE[m.fate], flags);
    maxFlight = Math.max(maxFlight, m.end - m.sent);
  }
  const quorumTable = [];
  for (let n = 1; n <= Math.max(10, data.quorum.n); n++) {
    const { f, q } = computeQuorum(n);
    quorumTable.push({ n, f, q });
  }
  return {
    scenario: data.scenario,
    replay: data.replay,
    seed: data.seed,
    target: data.target,
    passed: data.passed,
    traceHash: data.traceHash,
    end: ms(data.end),
    focus: ms(data.focus),
    axis: data.axis.map((a) => ({ ...a, from: ms(a.from), to: ms(a.to), share: Math.round(a.share * 1e6) / 1e6 })),
    orderers: data.orderers,
    peers: data.peers,
    quorum: data.quorum,
    quorumTable,
    steps: data.steps.map((s) => ({ ...s, at: s.at === null ? null : ms(s.at) })),
    checks: data.checks,
    committed: packSeries(data.committed),
    synced: packSeries(data.synced),
    heights: packSeries(data.heights),
    faults: data.faults.map((f) => ({ ...f, from: ms(f.from), to: ms(f.to) })),
    types,
    msgs,
    proposals: proposals.map((p) => ({ ...p, of: perSeq.get(p.seq) ?? 1 })),
    proposalMsgs,
    maxFlight: ms(maxFlight),
    decided: data.decisions.filter((d) => !d.viaSync && oi.has(d.node)).map((d) => [ms(d.t), oi.get(d.node) ?? 0, d.seq]),
    certificates: data.certificates.map((c) => ({ ...c, t: ms(c.t) })),
    notes: data.notes.map((n) => ({ t: ms(n.t), text: n.text })),
    states: data.states.map(({ node, changes }) => ({ node, changes: changes.map(([t, k, v]) => [ms(t), k, v]) })),
  };
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;background:#f5f6f8}
header{padding:10px 16px;background:#1d2430;color:#fff;display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
#verdict{font-weight:700;padding:1px 8px;border-radius:3px}
#verdict.ok{background:#2e9e44}#verdict.bad{background:#c62828}
#meta{color:#c8cdd6;font-size:12px}
main{display:grid;grid-template-columns:190px minmax(0,1fr) minmax(380px,35vw);gap:12px;padding:12px}
section,aside{background:#fff;border:1px solid #dde1e7;border-radius:4px;padding:8px 10px;min-width:0}
h2{font-size:13px;margin:8px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#4a5566}
h2 .muted{text-transform:none;letter-spacing:0;font-weight:400;font-size:11px}
ol,ul{margin:0;padding:0;list-style:none}
.step button{all:unset;cursor:pointer;display:block;padding:3px 4px;border-radius:3px;width:100%}
.step button:hover{background:#eef2f8}.step button:disabled{cursor:default}
.step.ok button{color:#1d2430}.step.bad button{color:#c62828;font-weight:600}
.at{color:#7a8595;font-size:11px}.detail{color:#7a8595;font-size:11px;margin:0 0 4px 18px;word-break:break-word}
li.ok{color:#2e7d32}li.bad{color:#c62828;font-weight:600}li.warn{color:#b26a00}.muted{color:#7a8595}
p.ok{color:#2e7d32}p.bad{color:#c62828;font-weight:600}
.controls button{white-space:nowrap}.controls{display:flex;gap:10px;align-items:center;position:sticky;top:0;background:#fff;padding:4px 0;z-index:1}
#slider{flex:1}#moment-link{font-size:12px;color:#1f5fbf}#time{font-variant-numeric:tabular-nums;min-width:80px;font-weight:600}
svg{width:100%;height:auto;display:block}
.grid{stroke:#eceff3}.axis{font-size:11px;fill:#5f6b7a}
.series{fill:none;stroke-width:2;stroke-linejoin:round}
.view-change{stroke:#c2185b;stroke-width:1.5;stroke-dasharray:5 3}.view-label{font-size:11px;fill:#c2185b;font-weight:600}
.note-mark{fill:#8d6e63;cursor:help}
.step-mark{fill:#4a5566;cursor:pointer}.step-mark.bad{fill:#c62828}
.synced{fill:#fff;stroke-width:2}
.fault{opacity:.35}.fault.crash{fill:#9aa3ad}.fault.partition{fill:#7fb3e6}.fault.byzantine{fill:#f28b82}
.quiet{fill:#eef0f3;opacity:.8}.axis-break{stroke:#7a8595;stroke-width:1.5;fill:none}
.fault-label{font-size:11px;fill:#4a5566}
.window{fill:none;stroke:#e6a100;stroke-width:1.5;stroke-dasharray:4 3}.cursor{stroke:#e65100;stroke-width:1.5}
.legend{display:flex;flex-wrap:wrap;gap:10px;font-size:11px;margin:2px 0 6px}
.legend-item{display:inline-flex;align-items:center;gap:4px}
.swatch{width:12px;height:3px;display:inline-block}
.key-qc{border-bottom:3px solid #ffb300}.key-byz{color:#d00;font-weight:700}.key-drop{color:#c62828}
.lane{stroke:#cfd5dd}.lane-label{font-size:11px;fill:#1d2430}
.down{fill:#c4c9d0;opacity:.7}.down-label{font-size:11px;fill:#4a5566}
.msg line{stroke-width:1.3}.msg.dropped line{stroke-dasharray:3 2}
.msg.byz line{stroke-width:2.2}.byz-mark{fill:#d00;font-weight:700;font-size:12px}
.qc-halo{stroke:#ffb300 !important;stroke-width:5 !important;opacity:.55}
.drop-mark{fill:#c62828;font-weight:700;font-size:13px}
.decided{fill:#ffb300;stroke:#7a5800}.decided-label{font-size:11px;fill:#7a5800}
#msc-note{font-size:11px;color:#7a8595}
.scroll{overflow-x:auto}#peers{margin-top:6px}table{border-collapse:collapse;width:100%;font-size:11.5px}
th,td{border-bottom:1px solid #eceff3;padding:2px 2px;text-align:left;white-space:nowrap}
td.node{font-weight:600}tr.is-down td{color:#a0a7b1;background:#f0f1f3}tr.is-leader td.node{color:#1f5fbf}
.qnode{fill:#e3e8ef;stroke:#4a5566}.qnode.both{fill:#ffb300}.qnode.down{fill:#c4c9d0;stroke-dasharray:3 2}
.qnum{font-size:11px}.bracket{fill:none;stroke-width:2}.bracket.q1{stroke:#1f5fbf}.bracket.q2{stroke:#2e9e44}
.bracket-label{font-size:11px}.bracket-label.q1{fill:#1f5fbf}.bracket-label.q2{fill:#2e9e44}
.signers li.signed{color:#2e7d32}.signers li.unsigned{color:#a0a7b1}
@media (max-width:1100px){main{grid-template-columns:1fr}}
`;

/** The whole report page for one run. */
export function renderReport(input: ReportInput): string {
  const data = buildReportData(input);
  const title = `fabric-bft-sim report: ${data.scenario} (seed ${data.seed})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1 id="title"></h1><span id="verdict"></span><span id="meta"></span></header>
<main>
<aside><h2>Steps</h2><ol id="steps"></ol><h2>Checks</h2><ul id="checks"></ul></aside>
<section>
<div class="controls"><button id="play" type="button" aria-pressed="false" title="play the run along the time axis">▶ play</button><label for="slider">time</label><button id="prev" type="button" title="previous step, fault, view change or Byzantine proposal">◀</button><input id="slider" type="range"><button id="next" type="button" title="next step, fault, view change or Byzantine proposal">▶</button><output id="time"></output><a id="moment-link" title="a link to this moment (#t=milliseconds)">link</a>
<label for="zoom">window</label><select id="zoom"></select></div>
<h2>BFT Committed Block Number <span class="muted">(consensus_BFT_committed_block_number per orderer; ○ = blocks pulled by sync)</span></h2>
<div class="legend" id="legend-committed"></div><svg id="chart-committed" role="img" aria-label="committed block per orderer"></svg>
<h2>Ledger height per peer</h2>
<div class="legend" id="legend-height"></div><svg id="chart-height" role="img" aria-label="ledger height per peer"></svg>
<h2>Consensus messages around the chosen moment</h2>
<div class="legend" id="legend-msc"></div><svg id="msc" role="img" aria-label="message sequence chart"></svg><div id="msc-note"></div>
</section>
<aside><h2>Nodes at this moment</h2><div class="scroll"><table id="nodes"></table><table id="peers"></table></div>
<h2>Quorum certificate</h2><div id="qc"></div>
<h2>Quorum <select id="quorum-n" aria-label="number of orderers"></select></h2><svg id="quorum" role="img" aria-label="quorum intersection"></svg><div id="quorum-text"></div>
</aside>
</main>
<script id="report-data" type="application/json">${scriptJson(pageData(data))}</script>
<script>${TICKS_JS}${CLIENT_JS}</script>
</body>
</html>
`;
}
