/**
 * `fabric-bft-sim size --report sizing.html`: the sizing report as one self-contained HTML
 * page (inline CSS and SVG, no script, no network assets) with four plots drawn from the
 * numbers the text tables print (the same `SizingReport` and `Measured` values, never
 * recomputed here), the dominance sentence, and the text report itself.
 *
 * - Availability (nines) against n, one line per zone count: the zone count asked is the
 *   report's own rows; the others (1 to 4 zones, round-robin) come from `computeSizing` with
 *   only `zones` changed. With `--placement`, the one placement asked.
 * - Messages per decision against n: measured, and the no-fault formula.
 * - Latency p50 / p99 against n.
 * - Recovery after a leader crash against n, by path (heartbeat, complaint).
 *
 * The SVGs are drawn at their pixel size (never scaled), so their text is the font size
 * written here on screen: 13 px ticks, 14 px axis labels, at 1280 px wide two plots a row.
 */
import type { Dominance } from './dominance.ts';
import type { Measured, MeasureSetup } from './measure.ts';
import { computeSizing, type SizingReport } from './model.ts';

export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  /** The value as the table prints it (tooltip). */
  readonly label: string;
}

export interface PlotSeries {
  readonly name: string;
  readonly points: readonly PlotPoint[];
  readonly dashed?: boolean;
}

export interface Plot {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  /** Under the plot: the assumptions behind it. */
  readonly caption?: string;
  /** Lowest y the axis shows (0 for counts and times; the data's floor for nines). */
  readonly yFloor?: number;
}

const WIDTH = 590;
const HEIGHT = 380;
const M = { left: 78, right: 24, top: 66, bottom: 62 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
/** Lines that coincide (1 and 3 zones often do) stay visible: each series its own dashes and marker size. */
const DASHES = ['', '9 5', '3 4', '14 4 3 4'];

function stroke(s: PlotSeries, i: number): string {
  const d = s.dashed === true ? '6 4' : (DASHES[i % DASHES.length] as string);
  return d === '' ? '' : ` stroke-dasharray="${d}"`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** About five round ticks (1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  if ((out[out.length - 1] ?? lo) < hi) out.push((out[out.length - 1] ?? lo) + step);
  return out;
}

/** One line plot as an inline SVG element (no xmlns needed inside HTML). */
export function linePlot(plot: Plot): string {
  const pts = plot.series.flatMap((s) => s.points);
  const xs = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const ys = pts.map((p) => p.y);
  const xLo = xs[0] ?? 0;
  const xHi = xs[xs.length - 1] ?? 1;
  const yTicks = niceTicks(plot.yFloor ?? Math.min(...ys), Math.max(...ys));
  const yLo = yTicks[0] ?? 0;
  const yHi = yTicks[yTicks.length - 1] ?? 1;
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const px = (x: number): number => M.left + (xHi === xLo ? plotW / 2 : ((x - xLo) / (xHi - xLo)) * plotW);
  const py = (y: number): number => M.top + plotH - ((y - yLo) / (yHi - yLo || 1)) * plotH;
  const out: string[] = [];
  out.push(`<svg id="${esc(plot.id)}" class="plot" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(plot.title)}">`);
  out.push(`<text class="title" x="${M.left}" y="22">${esc(plot.title)}</text>`);
  // Legend: one row under the title.
  let lx = M.left;
  plot.series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length] as string;
    out.push(`<g class="legend"><line x1="${lx}" y1="42" x2="${lx + 22}" y2="42" stroke="${c}" stroke-width="2.5"${stroke(s, i)}/><text x="${lx + 28}" y="47">${esc(s.name)}</text></g>`);
    lx += 40 + s.name.length * 7.5;
  });
  // Grid and ticks.
  for (const t of yTicks) {
    const y = num(py(t));
    out.push(`<line class="grid" x1="${M.left}" y1="${y}" x2="${WIDTH - M.right}" y2="${y}"/><text class="tick y" x="${M.left - 8}" y="${num(py(t) + 4.5)}">${esc(num(t))}</text>`);
  }
  for (const x of xs) out.push(`<line class="grid" x1="${num(px(x))}" y1="${M.top + plotH}" x2="${num(px(x))}" y2="${M.top + plotH + 5}"/><text class="tick x" x="${num(px(x))}" y="${M.top + plotH + 21}">${esc(num(x))}</text>`);
  out.push(`<line class="axis" x1="${M.left}" y1="${M.top + plotH}" x2="${WIDTH - M.right}" y2="${M.top + plotH}"/><line class="axis" x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}"/>`);
  out.push(`<text class="axis-label x" x="${M.left + plotW / 2}" y="${HEIGHT - 12}">${esc(plot.xLabel)}</text>`);
  out.push(`<text class="axis-label y" transform="translate(20 ${M.top + plotH / 2}) rotate(-90)">${esc(plot.yLabel)}</text>`);
  // Series.
  plot.series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length] as string;
    const d = s.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${num(px(p.x))},${num(py(p.y))}`).join(' ');
    out.push(`<g class="series" data-name="${esc(s.name)}">`);
    if (s.points.length > 1) out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2.5"${stroke(s, i)}/>`);
    for (const p of s.points) {
      out.push(`<circle class="pt" cx="${num(px(p.x))}" cy="${num(py(p.y))}" r="${Math.max(3, 6 - 1.5 * i)}" fill="${c}" data-x="${p.x}" data-y="${p.y}"><title>${esc(`${s.name}, n = ${p.x}: ${p.label}`)}</title></circle>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

function zoneCounts(report: SizingReport): number[] {
  return [...new Set([1, 2, 3, 4, report.zoneCount])].sort((a, b) => a - b);
}

/** The availability plot: nines against n, a line per zone count (finite nines only). */
export function availabilityPlot(report: SizingReport): Plot {
  const p = report.params;
  const series: PlotSeries[] = [];
  const line = (name: string, r: SizingReport): PlotSeries => ({
    name,
    points: r.options.filter((o) => Number.isFinite(o.availability.nines)).map((o) => ({ x: o.n, y: o.availability.nines, label: `${o.availability.nines.toFixed(2)} nines, ${o.availability.downtimeMinutesPerYear.toFixed(1)} min/yr down` })),
  });
  if (p.placement !== undefined) series.push(line(`placement ${p.placement.join(',')}`, report));
  else {
    for (const z of zoneCounts(report)) {
      const r = z === report.zoneCount ? report : computeSizing({ ...p, zones: z });
      series.push(line(`${z} zone${z === 1 ? '' : 's'}${z === report.zoneCount ? ' (asked)' : ''}`, r));
    }
  }
  const ys = series.flatMap((s) => s.points.map((q) => q.y));
  return {
    id: 'plot-availability',
    title: 'Ordering availability against n and zones',
    xLabel: 'orderers (n)',
    yLabel: 'availability (nines)',
    caption: `P(at least Q orderers up), node availability ${p.nodeAvailability}, zone availability ${p.zoneAvailability}; ${p.placement !== undefined ? 'the placement asked' : 'orderers round-robin over the zones'}. Nines = -log10(1 - availability).`,
    series,
    yFloor: Math.floor(Math.min(...ys, 99)),
  };
}

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`;
}

/** The three measured plots, from the same `Measured` values the measured table prints. */
export function measuredPlots(report: SizingReport, measured: ReadonlyMap<number, Measured>): Plot[] {
  const rows = report.options.flatMap((o) => {
    const m = measured.get(o.n);
    return m === undefined ? [] : [m];
  });
  const unique = rows.filter((m, i) => rows.findIndex((r) => r.n === m.n) === i).sort((a, b) => a.n - b.n);
  const recovered = (key: 'recoverHeartbeatMs' | 'recoverComplainMs'): PlotPoint[] =>
    unique.flatMap((m) => {
      const v = m[key];
      return v === null ? [] : [{ x: m.n, y: v / 1000, label: ms(v) }];
    });
  return [
    {
      id: 'plot-messages',
      title: 'Messages per decision against n',
      caption: 'Every orderer-to-orderer message of a light stream, per decision; dashed: the no-fault formula.',
      xLabel: 'orderers (n)',
      yLabel: 'messages per decision',
      yFloor: 0,
      series: [
        { name: 'measured', points: unique.map((m) => ({ x: m.n, y: m.messagesPerDecision, label: `${m.messagesPerDecision} messages` })) },
        { name: '(n-1)(2n+1)+n(n-Q)', dashed: true, points: unique.map((m) => ({ x: m.n, y: m.formulaValue, label: `${m.formulaValue} messages` })) },
      ],
    },
    {
      id: 'plot-latency',
      title: 'Decision latency against n',
      caption: 'From a request\'s submission to every orderer until Q orderers delivered its block.',
      xLabel: 'orderers (n)',
      yLabel: 'latency (ms)',
      yFloor: 0,
      series: [
        { name: 'p50', points: unique.map((m) => ({ x: m.n, y: m.latencyP50Ms, label: ms(m.latencyP50Ms) })) },
        { name: 'p99', points: unique.map((m) => ({ x: m.n, y: m.latencyP99Ms, label: ms(m.latencyP99Ms) })) },
      ],
    },
    {
      id: 'plot-recovery',
      title: 'Recovery after a leader crash, by path',
      caption: 'Heartbeat path: an idle cluster, until Q orderers run the next view. Complaint path: a request waiting, until Q orderers delivered it.',
      xLabel: 'orderers (n)',
      yLabel: 'recovery time (s)',
      yFloor: 0,
      series: [
        { name: 'heartbeat path (idle)', points: recovered('recoverHeartbeatMs') },
        { name: 'complaint path (a request waiting)', points: recovered('recoverComplainMs') },
      ],
    },
  ];
}

export interface SizingPage {
  readonly report: SizingReport;
  readonly measured: ReadonlyMap<number, Measured> | undefined;
  readonly setup: MeasureSetup | undefined;
  readonly dominance: Dominance | null;
  /** The text report, as `size` prints it. */
  readonly text: string;
}

const CSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; margin: 24px; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 6px; }
p.lead, p.dominance, p.note { margin: 8px 0; max-width: 1220px; }
p.dominance { font-weight: 600; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; margin: 16px 0; }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: 6px; width: ${WIDTH}px; }
figcaption { font-size: 13px; color: #444; padding: 0 8px 4px; }
svg.plot text { font-size: 13px; fill: #222; }
svg.plot text.title { font-size: 15px; font-weight: 600; }
svg.plot text.axis-label { font-size: 14px; text-anchor: middle; }
svg.plot text.tick.x { text-anchor: middle; }
svg.plot text.tick.y { text-anchor: end; }
svg.plot line.grid { stroke: #e4e4e4; }
svg.plot line.axis { stroke: #444; }
pre { font: 13px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; background: #f7f7f7; padding: 12px; overflow-x: auto; }
`;

/** The whole page: self-contained (no script, no link, no network URL). */
export function renderSizingHtml(page: SizingPage): string {
  const { report, measured } = page;
  const plots = [availabilityPlot(report), ...(measured === undefined ? [] : measuredPlots(report, measured))];
  const zones = report.params.placement !== undefined ? `placement ${report.params.placement.join(',')}` : `${report.zoneCount} zone${report.zoneCount === 1 ? '' : 's'}, round-robin`;
  const body: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Ordering service sizing: n = ${esc(report.options.map((o) => o.n).join(', '))}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>Ordering service sizing: n = ${esc(report.options.map((o) => o.n).join(', '))} (${esc(zones)})</h1>`,
    `<p class="lead">${esc(`Recommendation: ${report.recommendation.reason}`)}</p>`,
  ];
  if (page.dominance !== null) body.push(`<p class="dominance">${esc(page.dominance.sentence)}</p>`);
  if (measured === undefined) body.push('<p class="note">Measured plots (messages, latency, leader-crash recovery) need the simulator runs: run without --no-measure.</p>');
  body.push('<div class="plots">', ...plots.map((p) => `<figure>\n${linePlot(p)}${p.caption === undefined ? '' : `\n<figcaption>${esc(p.caption)}</figcaption>`}\n</figure>`), '</div>');
  body.push('<h2>The tables</h2>', `<pre>${esc(page.text)}</pre>`, '</body>', '</html>');
  return body.join('\n') + '\n';
}
