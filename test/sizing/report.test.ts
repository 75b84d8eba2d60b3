/**
 * `size --report`, the dominance sentence and the progress line (issue #17, "Sizing you can
 * see"): the real sizing command, measured on the simulator, with its files captured.
 */
import { describe, expect, it } from 'vitest';
import type { CliEnv } from '../../src/cli/io.ts';
import { checkOutputFile, writeOutput } from '../../src/cli/output.ts';
import { progressLine } from '../../src/io/progress.ts';
import { runSizeCommand, type SizeIo } from '../../src/sizing/cli.ts';

interface Run {
  code: number;
  out: string;
  err: string;
  files: Map<string, string>;
}

async function size(argv: string[], extra: Partial<SizeIo> & { wallMs?: () => number } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const files = new Map<string, string>();
  // The file system the CLI hands sizing (src/cli/main.ts), over an in-memory one.
  const fs = {
    writeFile: (p: string, t: string) => void files.set(p, t),
    pathKind: (p: string) => (p === '/out' ? 'dir' : p.startsWith('/out/') ? 'missing' : 'dir'),
    canWrite: () => true,
  } as unknown as CliEnv;
  const { wallMs, ...rest } = extra;
  const stderr = (s: string): void => void (err += s);
  const io: SizeIo = {
    stdout: (s) => (out += s),
    stderr,
    checkOutput: (flag, path) => checkOutputFile(fs, 'fabric-bft-sim size', flag, path),
    writeOutput: (flag, path, text) => writeOutput(fs, 'fabric-bft-sim size', flag, path, text),
    // The CLI's progress line, as src/cli/main.ts hands it in.
    progress: (enabled) => progressLine({ stderr, wallMs: wallMs ?? (() => 0), enabled }),
    ...rest,
  };
  const code = await runSizeCommand(argv, io);
  return { code, out, err, files };
}

interface Svg {
  id: string;
  width: number;
  circles: { series: string; x: number; y: number }[];
  seriesNames: string[];
  axisLabels: { axis: string; text: string }[];
}

/** Each `<svg>` of the page: its points (grouped by series) and its axis labels. */
function parseSvgs(html: string): Svg[] {
  return [...html.matchAll(/<svg\b([^>]*)>([\s\S]*?)<\/svg>/g)].map((m) => {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    const circles: Svg['circles'] = [];
    const seriesNames: string[] = [];
    for (const g of body.matchAll(/<g class="series" data-name="([^"]*)">([\s\S]*?)<\/g>/g)) {
      seriesNames.push(g[1] ?? '');
      for (const c of (g[2] ?? '').matchAll(/<circle class="pt"[^>]*data-x="([^"]+)" data-y="([^"]+)"/g)) circles.push({ series: g[1] ?? '', x: Number(c[1]), y: Number(c[2]) });
    }
    const axisLabels = [...body.matchAll(/<text class="axis-label (x|y)"[^>]*>([^<]*)<\/text>/g)].map((a) => ({ axis: a[1] ?? '', text: a[2] ?? '' }));
    return { id: /id="([^"]+)"/.exec(attrs)?.[1] ?? '', width: Number(/width="(\d+)"/.exec(attrs)?.[1]), circles, seriesNames, axisLabels };
  });
}

interface JsonBody {
  options: { n: number; meets: boolean; availability: { nines: number; downtimeMinutesPerYear: number }; measured: { messagesPerDecision: number; latencyP50Ms: number; latencyP99Ms: number; recoverHeartbeatMs: number; recoverComplainMs: number } }[];
  dominance: { verdict: string; sizeSpreadMinutesPerYear: number; complainMinutesPerYear: number; heartbeatMinutesPerYear: number; sentence: string } | null;
}

describe('size --report', () => {
  it('--orderers 4,7,9 --zones 3 --report: four SVG plots, one point per size and series, labelled axes, values from the table, nothing from the network', async () => {
    const r = await size(['--orderers', '4,7,9', '--zones', '3', '--report', '/out/sizing.html']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Report: /out/sizing.html');
    const html = r.files.get('/out/sizing.html') ?? '';
    const json = JSON.parse((await size(['--orderers', '4,7,9', '--zones', '3', '--json'])).out) as JsonBody;

    const svgs = parseSvgs(html);
    expect(svgs.map((s) => s.id)).toEqual(['plot-availability', 'plot-messages', 'plot-latency', 'plot-recovery']);
    const [avail, msgs, lat, rec] = svgs as [Svg, Svg, Svg, Svg];
    // Availability: a line per zone count (1, 2, 3 asked, 4), a point per size each.
    expect(avail.seriesNames).toEqual(['1 zone', '2 zones', '3 zones (asked)', '4 zones']);
    expect(avail.circles).toHaveLength(4 * 3);
    expect(avail.circles.filter((c) => c.series === '3 zones (asked)').map((c) => [c.x, c.y])).toEqual(json.options.map((o) => [o.n, o.availability.nines]));
    expect(msgs.seriesNames).toEqual(['measured', '(n-1)(2n+1)+n(n-Q)']);
    expect(msgs.circles.filter((c) => c.series === 'measured').map((c) => c.y)).toEqual(json.options.map((o) => o.measured.messagesPerDecision));
    expect(lat.seriesNames).toEqual(['p50', 'p99']);
    expect(lat.circles.map((c) => c.y)).toEqual([...json.options.map((o) => o.measured.latencyP50Ms), ...json.options.map((o) => o.measured.latencyP99Ms)]);
    expect(rec.seriesNames).toEqual(['heartbeat path (idle)', 'complaint path (a request waiting)']);
    expect(rec.circles.map((c) => c.y * 1000)).toEqual([...json.options.map((o) => o.measured.recoverHeartbeatMs), ...json.options.map((o) => o.measured.recoverComplainMs)].map((v) => expect.closeTo(v, 6)));
    for (const s of svgs) {
      expect(s.axisLabels.map((a) => a.axis)).toEqual(['x', 'y']);
      expect(s.axisLabels[0]?.text).toBe('orderers (n)');
      expect(s.axisLabels[1]?.text).toMatch(/\(.+\)|per decision/);
      // Two plots side by side at 1280 px, never scaled: the CSS font sizes are the screen's.
      expect(s.width).toBeLessThanOrEqual(600);
    }
    expect(lat.axisLabels[1]?.text).toBe('latency (ms)');
    expect(rec.axisLabels[1]?.text).toBe('recovery time (s)');
    const svgFonts = [...html.matchAll(/svg\.plot text[^{]*\{[^}]*font-size: (\d+)px/g)].map((m) => Number(m[1]));
    expect(svgFonts.length).toBeGreaterThan(0);
    expect(Math.min(...svgFonts)).toBeGreaterThanOrEqual(11);

    // Self-contained: no script, no stylesheet link, no URL.
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|https?:/i);
    // The dominance sentence and the text report, as printed.
    expect(html).toContain(json.dominance?.sentence.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') ?? 'no sentence');
    expect(html).toContain('Ordering service sizing (SmartBFT quorum math; 3 zones, round-robin');
  });

  it('--no-measure --report: the availability plot only, and a note saying why', async () => {
    const r = await size(['--orderers', '4,7', '--no-measure', '--report', '/out/s.html']);
    expect(r.code).toBe(0);
    const html = r.files.get('/out/s.html') ?? '';
    expect(parseSvgs(html).map((s) => s.id)).toEqual(['plot-availability']);
    expect(html).toContain('run without --no-measure');
  });

  it.each([
    [['--raft-vs-bft', '--report', '/out/r.html'], '--report draws the sizing table; it does not go with --raft-vs-bft'],
    [['--report', '/out'], '--report /out: is a directory; give a file name'],
    [['--node-mttr', '0s'], '--node-mttr expects a duration above 0, got "0s"'],
  ])('bad input %j: exit 2 and one line', async (argv, message) => {
    const r = await size(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`fabric-bft-sim size: ${message}\n`);
  });
});

describe('what dominates availability', () => {
  it('one zone, n = 4, 7: sizes differ by ~3 min/yr, less than even the complaint path of leader crashes costs: recovery dominates', async () => {
    const r = await size(['--orderers', '4,7', '--json']);
    const d = (JSON.parse(r.out) as JsonBody).dominance;
    expect(d?.verdict).toBe('recovery');
    expect(d?.complainMinutesPerYear).toBeGreaterThan(d?.sizeSpreadMinutesPerYear ?? Infinity);
    const text = (await size(['--orderers', '4,7'])).out;
    expect(text).toMatch(/What dominates availability: leader-crash recovery, more than n\. A leader crash stops ordering for 22\.\d s \(complaint path\) to 59\.\d s \(heartbeat path\) at every n; at 8\.8 leader crashes a year/);
    expect(text).toContain('more than the 3.1 min/yr by which the sizes differ (56 at n = 4, 53 at n = 7)');
  });

  it('three zones, n = 4, 9: losing the biggest zone halts 4 but not 9, 55 min/yr apart: n dominates', async () => {
    const r = await size(['--orderers', '4,9', '--zones', '3', '--json']);
    const d = (JSON.parse(r.out) as JsonBody).dominance;
    expect(d?.verdict).toBe('size');
    expect(d?.heartbeatMinutesPerYear).toBeLessThan(d?.sizeSpreadMinutesPerYear ?? 0);
    const text = (await size(['--orderers', '4,9', '--zones', '3'])).out;
    expect(text).toContain('What dominates availability: the choice of n, more than leader-crash recovery. The sizes differ by 55 min/yr in down/yr (56 at n = 4, 0.96 at n = 9), more than leader crashes cost: 3.2 to 8.7 min/yr without ordering');
  });

  it('a shorter repair time means more leader crashes a year: --node-mttr 5m puts n = 4, 9 over three zones between the paths', async () => {
    const d = (JSON.parse((await size(['--orderers', '4,9', '--zones', '3', '--node-mttr', '5m', '--json'])).out) as JsonBody).dominance;
    expect(d?.verdict).toBe('path');
  });

  it('--no-measure: no sentence (no recovery measured)', async () => {
    const r = await size(['--orderers', '4,7', '--no-measure']);
    expect(r.out).not.toContain('dominates');
    expect(JSON.parse((await size(['--orderers', '4,7', '--no-measure', '--json'])).out)).toMatchObject({ dominance: null });
  });
});

describe('progress while measuring', () => {
  const clock = (): (() => number) => {
    let t = 0;
    return () => (t += 1000);
  };

  it('a line redrawn in place per size on a terminal stderr, then how long it took; nothing when piped or with --json', async () => {
    const r = await size(['--orderers', '4,5'], { stderrTty: true, wallMs: clock() });
    const second = 'size: measuring n = 5 (2 of 2), 2.0 s so far, about 2 s left';
    const last = 'size: measured 2 sizes in 3.0 s';
    // Each line overwrites the one before: padded with spaces to its length.
    expect(r.err).toBe(`\rsize: measuring n = 4 (1 of 2), 1.0 s so far\r${second}\r${last}${' '.repeat(second.length - last.length)}\n`);
    expect(r.out).toContain('Measured on the simulator');
    expect((await size(['--orderers', '4'], { stderrTty: false })).err).toBe('');
    expect((await size(['--orderers', '4', '--json'], { stderrTty: true, wallMs: clock() })).err).toBe('');
  });
});
