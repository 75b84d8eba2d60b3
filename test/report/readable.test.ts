/**
 * The report read at 1280 px wide in headless Debian chromium (playwright-core): time-axis
 * labels that say what they mean, chart text at least 11 px on screen, fault labels that
 * do not overlap, the certificate naming only its Q signers, the replay command, the play
 * button and the link to a moment. Skips when /usr/bin/chromium is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderReport } from '../../src/report/html.ts';
import { buildReportData, type ReportInput } from '../../src/report/data.ts';
import type { TraceRecord } from '../../src/sim/kernel/index.ts';
import { runBuiltin } from './kill-orderer.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = resolve('test-output/report');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A tick label back to milliseconds ('10 s' -> 10000), NaN when it is not one. */
function tickMs(label: string): number {
  const m = /^(\d+(?:\.\d+)?) (s|ms)$/.exec(label);
  return m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Two orderers exchanging a Prepare every 2 s for two minutes: an axis with no quiet stretch. */
function twoMinutes(): ReportInput {
  const records: TraceRecord[] = [];
  for (let i = 0; i <= 60; i++) {
    const m = `Prepare v0 s${i + 1}`;
    records.push({ t: i * 2000, k: 'send', id: i + 1, from: 'o1', to: 'o2', m, msg: { type: 'Prepare', view: 0, seq: i + 1 } }, { t: i * 2000 + 5, k: 'deliver', id: i + 1, from: 'o1', to: 'o2', m });
  }
  return {
    result: { scenario: 'two-minutes', seed: 1, target: 'sim', passed: true, traceHash: '0', steps: [{ op: 'sleep', name: 'sleep 2m', ok: true, at: 0 }] },
    records,
    nodes: { orderers: ['o1', 'o2'], peers: [] },
    quorum: { n: 2, f: 0, q: 2 },
  };
}

interface Box { x: number; y: number; width: number; height: number; text: string }

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? 'report read at 1280 px in headless chromium' : `report read at 1280 px: SKIPPED, ${CHROMIUM} is not installed`, () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];
  const files: Record<string, string> = {};
  /** Send time of the equivocating leader's first proposal in byzantine-leader. */
  let firstByzantineProposal = NaN;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    for (const name of ['kill-orderer', 'beyond-f', 'byzantine-leader']) {
      const run = await runBuiltin(name);
      if (name === 'byzantine-leader') firstByzantineProposal = buildReportData(run.input).messages.find((m) => m.byzantine && m.type === 'PrePrepare')?.sent ?? NaN;
      files[name] = join(OUT, `${name}-1280.html`);
      writeFileSync(files[name] as string, renderReport(run.input));
    }
    files['two-minutes'] = join(OUT, 'two-minutes-1280.html');
    writeFileSync(files['two-minutes'], renderReport(twoMinutes()));
    profile = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 }, args: ARGS });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const open = async (name: string, hash = ''): Promise<void> => {
    await page.goto(pathToFileURL(files[name] as string).href + hash);
    await page.waitForSelector('body[data-t]', { state: 'attached' });
  };

  const axisLabels = (): Promise<string[]> =>
    page.$$eval('#chart-committed text.axis', (ts) => ts.map((t) => t.textContent ?? '').filter((s) => / m?s$/.test(s)));

  it('time-axis labels read as times over two minutes: 0 s, 20 s, ... 120 s (not " s", "2 s", ... "12 s")', async () => {
    await open('two-minutes');
    const labels = await axisLabels();
    expect(labels[0]).toBe('0 s');
    expect(labels).toContain('20 s');
    expect(labels).toContain('100 s');
    expect(labels[labels.length - 1]).toBe('120 s');
  });

  it('time-axis labels of a compressed axis (kill-orderer) are times, each larger than the one before', async () => {
    await open('kill-orderer');
    const labels = await axisLabels();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    const values = labels.map(tickMs);
    for (const [i, v] of values.entries()) {
      expect(v, `label "${labels[i]}"`).not.toBeNaN();
      if (i > 0) expect(v, `"${labels[i]}" after "${labels[i - 1]}"`).toBeGreaterThan(values[i - 1] as number);
    }
  });

  it('every chart text is at least 11 px on screen at 1280 px wide', async () => {
    await open('kill-orderer');
    const sizes = await page.$$eval('#chart-committed text, #chart-height text, #msc text, #quorum text', (ts) =>
      ts.map((t) => {
        // DOM types are not in this project's lib: the page's objects, typed by hand.
        const svg = (t as unknown as { ownerSVGElement: { getScreenCTM(): { a: number } | null } }).ownerSVGElement;
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(t);
        return { text: t.textContent ?? '', px: parseFloat(style.fontSize) * (svg.getScreenCTM()?.a ?? 1) };
      }),
    );
    expect(sizes.length).toBeGreaterThan(20);
    const small = sizes.filter((s) => s.px < 10.99);
    expect(small).toEqual([]);
  });

  it('fault labels of two orderers stopped together do not overlap (beyond-f)', async () => {
    await open('beyond-f');
    const boxes = await page.$$eval('#chart-committed text.fault-label', (ts) =>
      ts.map((t) => {
        const b = (t as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox();
        return { x: b.x, y: b.y, width: b.width, height: b.height, text: t.textContent ?? '' };
      }),
    );
    expect(boxes.filter((b) => b.text.endsWith(' down')).length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i] as Box, boxes[j] as Box), `${boxes[i]?.text} / ${boxes[j]?.text}`).toBe(false);
    }
  });

  it('the certificate panel names only the Q signers as deciding; the header gives the exact replay command', async () => {
    await open('kill-orderer');
    const qc = await page.$eval('#qc', (d) => d.textContent ?? '');
    const m = /Decided by the (\d+) signatures \(Q = 3\) of (.+?)\.Written/.exec(qc);
    expect(m, qc).not.toBeNull();
    expect(m?.[1]).toBe('3');
    expect(m?.[2]?.split(', ').length).toBe(3);
    expect(await page.$$eval('#qc li.signed', (ls) => ls.length)).toBe(3);
    expect(await page.$eval('#meta', (d) => d.textContent)).toContain('replay: fabric-bft-sim run kill-orderer --seed 1');
  });

  it('a link per moment: the address follows the slider, and opening #t=... shows that moment', async () => {
    await open('kill-orderer', '#t=5000');
    expect(await page.getAttribute('body', 'data-t')).toBe('5000');
    await page.focus('#slider');
    await page.keyboard.press('End');
    // Wait for the address to move off the opening moment: it already matches #t=<digits> before the key takes effect.
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).not.toBe('#t=5000');
    const t = Number(await page.getAttribute('body', 'data-t'));
    // The link keeps the moment to the microsecond (a simulated time can have more digits).
    const hash = await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
    expect(Math.abs(Number(hash.slice(3)) - t)).toBeLessThan(0.001);
    expect(await page.getAttribute('#moment-link', 'href')).toBe(hash);
  });

  it('▶ (next) stops at the equivocating leader\'s first proposal (byzantine-leader)', async () => {
    await open('byzantine-leader', '#t=0');
    const target = Math.round(firstByzantineProposal * 1000) / 1000;
    expect(target).toBeGreaterThan(0);
    const visited: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = await page.getAttribute('body', 'data-t');
      await page.click('#next');
      await page.waitForFunction((b) => (globalThis as unknown as { document: { body: { getAttribute(a: string): string | null } } }).document.body.getAttribute('data-t') !== b, before);
      const t = Number(await page.getAttribute('body', 'data-t'));
      visited.push(t);
      if (t >= target) break;
    }
    expect(visited).toContain(target);
  });

  it('the equivocating leader\'s two proposals for one sequence are drawn in two colours, each in the legend (byzantine-leader)', async () => {
    await open('byzantine-leader', `#t=${Math.round(firstByzantineProposal * 1000) / 1000}`);
    const drawn = await page.$$eval('#msc g.msg[data-type="PrePrepare"][data-proposal]', (gs) =>
      gs.map((g) => ({ proposal: g.getAttribute('data-proposal') ?? '', stroke: g.querySelector('line:not(.qc-halo)')?.getAttribute('stroke') ?? '' })),
    );
    const bySeq = new Map<string, Map<string, Set<string>>>();
    for (const d of drawn) {
      const [seq = '', digest = ''] = d.proposal.split('/');
      const digests = bySeq.get(seq) ?? new Map<string, Set<string>>();
      bySeq.set(seq, digests);
      digests.set(digest, (digests.get(digest) ?? new Set()).add(d.stroke));
    }
    const equivocated = [...bySeq.entries()].filter(([, digests]) => digests.size === 2);
    expect(equivocated.length).toBeGreaterThan(0);
    const [seq, digests] = equivocated[0] as [string, Map<string, Set<string>>];
    // One colour per proposal, and the two colours differ.
    const colours = [...digests.values()].map((c) => [...c]);
    expect(colours.map((c) => c.length)).toEqual([1, 1]);
    expect(colours[0]?.[0]).not.toBe(colours[1]?.[0]);
    const legend = await page.$$eval('#legend-msc .key-proposal', (items) =>
      items.map((i) => ({ proposal: i.getAttribute('data-proposal') ?? '', text: i.textContent ?? '', colour: (i.querySelector('.swatch') as unknown as { style: { background: string } } | null)?.style.background ?? '' })),
    );
    const mine = legend.filter((l) => l.proposal.startsWith(`${seq}/`));
    // Of 3: the old leader, still Byzantine, also votes for view 1's proposal of the same
    // sequence, so the report knows that digest too (it is not on screen at this moment).
    expect(mine.map((l) => l.text)).toEqual([expect.stringMatching(new RegExp(`^s${seq} proposal 1 of 3 #[0-9a-f]{8}$`)), expect.stringMatching(new RegExp(`^s${seq} proposal 2 of 3 #[0-9a-f]{8}$`))]);
    expect(new Set(mine.map((l) => l.colour)).size).toBe(2);
    expect(errors).toEqual([]);
  });

  it('the equivocating leader\'s Prepare votes are drawn in the colour of the proposal each is for, not all in red (byzantine-leader)', async () => {
    await open('byzantine-leader', `#t=${Math.round(firstByzantineProposal * 1000) / 1000}`);
    const drawn = await page.$$eval('#msc g.msg.byz[data-proposal]', (gs) =>
      gs.map((g) => ({ type: g.getAttribute('data-type') ?? '', proposal: g.getAttribute('data-proposal') ?? '', stroke: g.querySelector('line:not(.qc-halo)')?.getAttribute('stroke') ?? '' })),
    );
    const proposalColour = new Map(drawn.filter((d) => d.type === 'PrePrepare').map((d) => [d.proposal, d.stroke]));
    const votes = drawn.filter((d) => d.type === 'Prepare' || d.type === 'Commit');
    // The leader votes for each of its two proposals, to the orderers it sent that proposal to.
    expect(new Set(votes.map((v) => v.proposal)).size).toBe(2);
    for (const v of votes) expect(v.stroke, `${v.type} for ${v.proposal}`).toBe(proposalColour.get(v.proposal));
    expect(new Set(votes.map((v) => v.stroke)).size).toBe(2);
    expect(errors).toEqual([]);
  });

  it('▶ play moves the moment forward until paused', async () => {
    await open('kill-orderer', '#t=0');
    await page.click('#play');
    await expect.poll(async () => Number(await page.getAttribute('body', 'data-t'))).toBeGreaterThan(0);
    await page.click('#play');
    expect(await page.textContent('#play')).toContain('play');
    const paused = await page.getAttribute('body', 'data-t');
    await page.waitForTimeout(200);
    expect(await page.getAttribute('body', 'data-t')).toBe(paused);
    expect(errors).toEqual([]);
  });
});
