/**
 * The playground in a real browser: headless Debian chromium driven by playwright-core,
 * on the static page `play --out` writes (the same HTML the server serves). Crashes the
 * leader and watches the view change, steps back and checks the state is exactly the one
 * before, opens a shared link, and checks the exported action log replays in Node to
 * the state the page shows. Saves a screenshot under test-output/play/ (gitignored).
 * Skips when /usr/bin/chromium is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderPlayPage } from '../../src/play/html.ts';
import { PlayModel, type LoggedAction } from '../../src/play/model.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = resolve('test-output/play');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!HAVE_CHROMIUM)(HAVE_CHROMIUM ? 'play page in headless chromium (seed 1, 4 orderers)' : `play page: SKIPPED, ${CHROMIUM} is not installed`, () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let url: string;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'play.html');
    writeFileSync(file, await renderPlayPage({ seed: 1, n: 4 }));
    url = pathToFileURL(file).href;
    profile = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 }, args: ARGS });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await page.waitForSelector('#nodes tbody tr');
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const cell = (node: number, key: string): Promise<string> => page.$eval(`#nodes tr[data-node="${node}"] td[data-key="${key}"]`, (td) => td.textContent ?? '');
  /** Everything the page shows about the run (table, quorum, log, clock, ring classes, messages in flight). */
  const shown = (): Promise<string> =>
    page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null; innerHTML: string } | null } }).document;
      return ['#nodes', '#quorum', '#log', '#clock', '#ring'].map((s) => (s === '#ring' ? d.querySelector(s)?.innerHTML : d.querySelector(s)?.textContent) ?? '').join('\n');
    });
  const hash = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);

  it('opens at view 0 with orderer1 leading; a submitted request is decided by Q = 3 signers', async () => {
    expect(await cell(1, 'role')).toBe('leader');
    for (const n of [2, 3, 4]) expect(await cell(n, 'leader')).toBe('#1');
    await page.click('#submit');
    await page.selectOption('#speed', '1');
    await page.click('#play');
    await page.waitForSelector('#quorum p.decision[data-seq="1"]', { timeout: 20_000 });
    await page.click('#play');
    expect(await page.textContent('#quorum p.decision')).toMatch(/^Block 1 \(view 0, 1 request, digest [0-9a-f]{8}\) was decided by the Q = 3 signatures of orderer\d, orderer\d, orderer\d/);
    expect(await page.$$eval('#ring g.node.signer', (gs) => gs.length)).toBe(3);
  });

  it('clicking the leader crashes it; the others change to view 1 with orderer2 as leader', async () => {
    await page.click('#ring g.node[data-node="1"]');
    expect(await cell(1, 'role')).toBe('DOWN');
    expect(await hash()).toMatch(/_crash_1$/);
    // the behaviour menus are updated in place while the run plays (one a user has open stays open)
    const menu = await page.$('#nodes tr[data-node="3"] select');
    await page.selectOption('#speed', '200');
    await page.click('#play');
    await page.waitForSelector('body[data-max-view="1"]', { state: 'attached', timeout: 30_000 });
    // let the NewView reach everyone, then pause
    await expect.poll(async () => [await cell(2, 'view'), await cell(3, 'view'), await cell(4, 'view')].join(','), { timeout: 30_000 }).toBe('1,1,1');
    await page.click('#play');
    for (const n of [2, 3, 4]) expect(await cell(n, 'leader')).toBe('#2');
    expect(await cell(2, 'role')).toBe('leader');
    expect(await page.$eval('#ring g.node[data-node="2"]', (g) => g.getAttribute('class'))).toContain('leader');
    expect(await menu?.evaluate((m) => m.isConnected)).toBe(true);
  });

  it('step back restores the state before the last step exactly, and step forward again the same', async () => {
    await page.click('#step');
    const before = await shown();
    const eventsBefore = await page.getAttribute('body', 'data-events');
    await page.click('#step');
    const after = await shown();
    expect(after).not.toBe(before);
    await page.click('#back');
    expect(await page.getAttribute('body', 'data-events')).toBe(eventsBefore);
    expect(await shown()).toBe(before);
    await page.click('#step');
    expect(await shown()).toBe(after);
    // the same with the keys: ← back, → forward
    await page.focus('body');
    await page.keyboard.press('ArrowLeft');
    expect(await shown()).toBe(before);
    await page.keyboard.press('ArrowRight');
    expect(await shown()).toBe(after);
  });

  it('a shared link replays the same run in a fresh page', async () => {
    const link = await hash();
    expect(link).toMatch(/^#seed=1&n=4&k=\d+&a=\d+_[\d.]+_submit_0~\d+_[\d.]+_crash_1$/);
    const state = await shown();
    const other = await context.newPage();
    try {
      await other.goto(url + link);
      await other.waitForSelector('#nodes tbody tr');
      const otherShown = await other.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null; innerHTML: string } | null } }).document;
        return ['#nodes', '#quorum', '#log', '#clock', '#ring'].map((s) => (s === '#ring' ? d.querySelector(s)?.innerHTML : d.querySelector(s)?.textContent) ?? '').join('\n');
      });
      expect(otherShown).toBe(state);
    } finally {
      await other.close();
    }
  });

  it('the exported action log replays in Node to the state the page shows', async () => {
    await page.click('#export');
    const doc = JSON.parse(await page.$eval('#export-text', (t) => (t as unknown as { value: string }).value)) as {
      seed: number; orderers: number; events: number; simulatedMs: number; actions: LoggedAction[];
    };
    expect(doc.actions.map((a) => a.op)).toEqual(['submit', 'crash']);
    const m = PlayModel.replay(doc.seed, doc.orderers, doc.actions, doc.events);
    const s = m.snapshot();
    expect(s.now).toBe(doc.simulatedMs);
    for (const nd of s.nodes) {
      expect(await cell(nd.id, 'role')).toBe(nd.up ? nd.role : 'DOWN');
      expect(await cell(nd.id, 'view')).toBe(nd.up ? String(nd.view) : '–');
      expect(await cell(nd.id, 'seq')).toBe(nd.up ? String(nd.seq) : '–');
      expect(await cell(nd.id, 'wal')).toBe(String(nd.wal));
    }
  });

  it('an equivocating leader: two proposals for one sequence in two colours; no network request; screenshot', async () => {
    await page.goto(`${url}#seed=1&n=4&k=0`);
    await page.waitForSelector('#nodes tbody tr');
    await page.selectOption('#nodes tr[data-node="1"] select', 'equivocate');
    expect(await page.textContent('#ring g.node[data-node="1"] .nbyz')).toBe('⚠ equivocate');
    await page.click('#submit');
    await page.click('#submit');
    const colours = new Set<string>();
    for (let i = 0; i < 40 && colours.size < 2; i++) {
      await page.click('#step');
      for (const c of await page.$$eval('#flights circle[data-type="PrePrepare"]', (cs) => cs.map((x) => x.getAttribute('fill') ?? ''))) colours.add(c);
    }
    expect(colours.size).toBe(2);
    await page.screenshot({ path: join(OUT, 'play-equivocate.png') });
    expect(requests.filter((r) => !r.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('screenshot for the docs: the view change after the leader crashed, messages in flight', async () => {
    // Find, in Node, the event where most view-change messages are in flight; the page replays the link to it.
    const m = new PlayModel(1, 4);
    m.act({ op: 'submit', node: 0 });
    m.runUntil(1500);
    m.act({ op: 'crash', node: 1 });
    let best = { k: 0, count: -1 };
    m.runUntil(60_000);
    for (let i = 0; i < 400; i++) {
      if (m.runEvents(1) === 0) break;
      const count = m.snapshot().flights.filter((f) => f.type === 'ViewData' || f.type === 'NewView' || f.type === 'ViewChange').length;
      if (count > best.count) best = { k: m.events, count };
    }
    expect(best.count).toBeGreaterThan(2);
    const link = `seed=1&n=4&k=${best.k}&a=${m.actions().map((a) => `${a.at}_${a.t}_${a.op}_${a.node}`).join('~')}`;
    await page.goto(`${url}#${link}`);
    await page.waitForSelector('#nodes tbody tr');
    await page.waitForSelector('#flights circle[data-type="ViewChange"], #flights circle[data-type="ViewData"], #flights circle[data-type="NewView"]');
    expect(await cell(1, 'role')).toBe('DOWN');
    await page.screenshot({ path: join(OUT, 'play.png') });
    expect(errors).toEqual([]);
  });
});
