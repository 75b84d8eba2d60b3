/**
 * The playground page: one self-contained HTML file (inline CSS, the page script and the
 * SmartBFT model bundled into one inline script by esbuild; no network access, no
 * external fonts), served by `fabric-bft-sim play` or written by `play --out FILE`.
 *
 * The bundle is src/play/page.js with src/play/model.ts and what it imports from
 * src/sim (the kernel and the SmartBFT consenter: pure TypeScript, no Node modules).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_CONFIG } from '../sim/smartbft/config.ts';
import { MAX_N, MIN_N } from './model.ts';

export interface PlayPageOptions {
  /** Seed and n the page starts with when its address holds none. */
  readonly seed: number;
  readonly n: number;
}

/** The page script with the model, as one browser script (IIFE, ES2020). */
export async function bundlePlayScript(): Promise<string> {
  const entry = fileURLToPath(new URL('./page.js', import.meta.url));
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]?.text;
  if (js === undefined) throw new Error('play: esbuild produced no output');
  // Inlined in a <script> element: it must not close it or open a comment.
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;background:#f5f6f8}
header{padding:10px 16px;background:#1d2430;color:#fff;display:flex;gap:14px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header label{font-size:13px;color:#c8cdd6}
header input{width:90px;font:inherit}
#clock{font-variant-numeric:tabular-nums;color:#fff}
main{display:grid;grid-template-columns:minmax(400px,520px) minmax(0,1fr);gap:12px;padding:12px}
section{background:#fff;border:1px solid #dde1e7;border-radius:4px;padding:8px 12px;min-width:0}
h2{font-size:13px;margin:8px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#4a5566}
.controls{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:4px 0 8px}
button,select{font:inherit;font-size:13px}
button{padding:3px 10px;border:1px solid #9aa3ad;border-radius:3px;background:#fff;cursor:pointer}
button:hover{background:#eef2f8}button:disabled{opacity:.45;cursor:default}
#error{color:#c62828;font-weight:600;margin:4px 0}
svg{width:100%;height:auto;display:block}
.ring-line{fill:none;stroke:#dde1e7;stroke-width:2;stroke-dasharray:4 6}
.node{cursor:pointer}.node .body{fill:#e3ecf8;stroke:#4a5566;stroke-width:2}
.node.leader .body{fill:#c9dcf6;stroke:#1f5fbf;stroke-width:4}
.node.down .body{fill:#d5d8dd;stroke:#8a929c;stroke-dasharray:5 4}
.node.byzantine .body{stroke:#d00;stroke-width:4}
.node.vc .body{fill:#fde9d4}
.node .qc-ring{fill:none;stroke:none}.node.signer .qc-ring{stroke:#ffb300;stroke-width:5}
.timer-track{fill:none;stroke:#eef0f3;stroke-width:4}.timer-arc{fill:none;stroke:#8e44ad;stroke-width:4}
.nname{font-size:14px;font-weight:700;fill:#1d2430}.nrole{font-size:13px;fill:#1f5fbf}.node.down .nrole{fill:#6b7480}
.nstate{font-size:12px;fill:#4a5566}.nbyz{font-size:13px;font-weight:700;fill:#d00}
.trail{stroke-width:1.5;opacity:.35}.msg{stroke:#fff;stroke-width:1}.msg.byz{stroke:#d00;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;margin:2px 0 6px}
.legend-item{display:inline-flex;align-items:center;gap:4px}.swatch{width:12px;height:12px;border-radius:6px;display:inline-block}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #eceff3;padding:3px 3px;text-align:left;white-space:nowrap}
td.timers{white-space:normal;font-size:12px;color:#4a5566}
tr.is-leader td:first-child{color:#1f5fbf;font-weight:700}tr.is-down td{color:#a0a7b1;background:#f0f1f3}
.muted{color:#6b7480}.decision{font-weight:600}
#log{margin:0;padding:0 0 0 2px;list-style:none;font-size:12.5px;max-height:280px;overflow:auto}
#log .at{color:#7a8595;font-variant-numeric:tabular-nums}
#export-box textarea{width:100%;height:160px;font:12px ui-monospace,monospace}
.hint{font-size:12.5px;color:#4a5566;margin:2px 0 6px}
@media (max-width:1000px){main{grid-template-columns:1fr}}
`;

/** The whole page. */
export async function renderPlayPage(opts: PlayPageOptions): Promise<string> {
  if (!Number.isInteger(opts.n) || opts.n < MIN_N || opts.n > MAX_N) throw new Error(`play: n must be from ${MIN_N} to ${MAX_N}, got ${opts.n}`);
  const script = await bundlePlayScript();
  const config = { seed: opts.seed, n: opts.n, heartbeatTimeout: DEFAULT_CONFIG.LeaderHeartbeatTimeout };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>fabric-bft-sim play: SmartBFT in your browser</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>SmartBFT playground</h1>
<label>seed <input id="seed" type="number" min="0" step="1"></label>
<label>orderers <input id="n" type="number" min="${MIN_N}" max="${MAX_N}" step="1"></label>
<button id="restart-run" type="button">new run</button>
<span id="clock">t = <span id="now"></span> · event <span id="events"></span></span></header>
<main>
<section>
<div class="controls">
<button id="play" type="button" aria-pressed="false">▶ play</button>
<button id="back" type="button" title="one event back (replays seed and actions to the event before)">‹ back</button>
<button id="step" type="button" title="process one event (a message delivered or a timer fired)">step ›</button>
<label>speed <select id="speed"></select></label>
<button id="submit" type="button" title="a client sends one request to every live orderer">submit request</button>
</div>
<p class="hint">Keys: space plays or pauses, → steps, ← steps back. Click an orderer to crash it or restart it. The purple arc is how long a follower still waits for the leader before it complains (LeaderHeartbeatTimeout, 60 s as Fabric runs it); gold rings are the Q signers of the last block.</p>
<div id="error" role="alert" hidden></div>
<div class="legend" id="legend"></div>
<svg id="ring" role="img" aria-label="orderers on a ring and the messages between them"></svg>
</section>
<section>
<h2>Orderers</h2>
<table id="nodes"><thead><tr><th>orderer</th><th>role</th><th>view</th><th title="the leader it follows">leader</th><th title="sequence being agreed on">seq</th><th>phase</th><th title="ledger height (blocks)">height</th><th title="write-ahead-log entries">WAL</th><th title="time left: hb = leader heartbeat timeout, view change = ViewChangeTimeout, then the consenter's own timers">timers</th><th>behaviour</th></tr></thead><tbody></tbody></table>
<h2>Quorum</h2>
<div id="quorum"></div>
<h2>What happened</h2>
<ol id="log"></ol>
<h2>Share and export</h2>
<p class="hint">The address holds the seed, n, the event shown and every action with its moment: copy it to share this exact run. The export is the same action log as JSON (this page simulates the SmartBFT consenters alone, without peers or the Fabric orderer around them, so it is not a scenario file for <code>fabric-bft-sim run</code>).</p>
<button id="export" type="button">export action log</button>
<div id="export-box" hidden><textarea id="export-text" readonly aria-label="action log as JSON"></textarea><a id="export-download">download</a></div>
</section>
</main>
<script id="play-config" type="application/json">${scriptJson(config)}</script>
<script>${script}</script>
</body>
</html>
`;
}
