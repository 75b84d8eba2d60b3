/**
 * The report in a real browser: headless Debian chromium driven by playwright-core.
 * Opens the report of the lab's `kill-orderer` scenario (SimCluster + runner), checks the
 * charts and the sequence chart drew from the data, scrubs the time slider and checks the
 * node panel followed, and saves a screenshot under test-output/report/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ScenarioResult } from '../../src/scenarios/runner.ts';
import { renderReport } from '../../src/report/html.ts';
import { runKillOrderer } from './kill-orderer.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = resolve('test-output/report');

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'report in headless chromium: kill-orderer (orderer.dataforge stopped and restored, n=4)' : `report in headless chromium: SKIPPED, ${CHROMIUM} is not installed`,
  () => {
    const victim = 'orderer.dataforge';
    let context: BrowserContext;
    let page: Page;
    let profile: string;
    const errors: string[] = [];
    let result: ScenarioResult;

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, 'kill-orderer.html');
      const run = await runKillOrderer();
      result = run.result;
      expect(result.passed).toBe(true);
      writeFileSync(file, renderReport(run.input));
      profile = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1500, height: 1000 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('#msc g.msg');
    });

    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    /** Wait until the page shows the moment `t` (ms), as the body's data-t says. */
    const waitForMoment = (t: string): Promise<unknown> => page.waitForSelector(`body[data-t="${t}"]`, { state: 'attached' });

    const nodeCell = (node: string, key: string): Promise<string> =>
      page.$eval(`#nodes tr[data-node="${node}"] td[data-key="${key}"]`, (td) => td.textContent ?? '');

    it('draws one committed-block line per orderer and one height line per peer, with the outage shaded', async () => {
      const committed = await page.$$eval('#chart-committed path.series', (ps) => ps.map((p) => p.getAttribute('data-node')));
      expect(committed).toEqual(['orderer.techpulse', 'orderer.dataforge', 'orderer.org3', 'orderer.ordering']);
      expect(await page.$$eval('#chart-height path.series', (ps) => ps.length)).toBe(3);
      // the stopped orderer's line is cut while it is down: two pieces
      const d = await page.$eval(`#chart-committed path.series[data-node="${victim}"]`, (p) => p.getAttribute('d') ?? '');
      expect(d.match(/M/g)?.length).toBe(2);
      expect(await page.$$eval('#chart-committed rect.fault.crash', (rs) => rs.length)).toBe(1);
      expect(await page.$$eval('#chart-committed circle.synced', (cs) => cs.length)).toBeGreaterThan(0);
    });

    it('draws the consensus messages of the visible window, with drops to the down orderer and decisions', async () => {
      await page.selectOption('#zoom', '1000');
      const types = await page.$$eval('#msc g.msg', (gs) => gs.map((g) => g.getAttribute('data-type')));
      expect(types.length).toBeGreaterThan(10);
      expect(types).toContain('Commit');
      expect(await page.$$eval('#msc g.msg.dropped', (gs) => gs.length)).toBeGreaterThan(0);
      expect(await page.$$eval('#msc g.msg.qc', (gs) => gs.length)).toBeGreaterThan(0);
      expect(await page.$$eval('#msc path.decided', (ps) => ps.length)).toBeGreaterThan(0);
      expect(await page.$$eval('#quorum circle.qnode', (cs) => cs.length)).toBe(4);
    });

    it('scrubbing the slider to the end moves the node panel: the stopped orderer is back, following, caught up', async () => {
      // the page opens at the first fault: the stop of orderer.dataforge
      expect(await nodeCell(victim, 'role')).toBe('DOWN');
      const before = await page.$eval('#nodes', (t) => t.textContent);
      await page.focus('#slider');
      await page.keyboard.press('End');
      const end = Math.round(Math.max(...result.steps.map((s) => s.at)) / 1000);
      await expect.poll(async () => Math.round(Number(await page.getAttribute('body', 'data-t')) / 1000)).toBeGreaterThanOrEqual(end);
      expect(await nodeCell(victim, 'role')).toBe('follower');
      expect(await nodeCell(victim, 'leader')).toBe('#1');
      expect(await nodeCell(victim, 'seq')).toBe(await nodeCell('orderer.techpulse', 'seq'));
      expect(Number(await nodeCell(victim, 'wal'))).toBeGreaterThan(0);
      expect(await page.$eval('#nodes', (t) => t.textContent)).not.toBe(before);
    });

    it('clicking a step, or next/previous, jumps the timeline; then saves a screenshot', async () => {
      const stop = result.steps.findIndex((s) => s.op === 'stop');
      const start = result.steps.findIndex((s) => s.op === 'start');
      const moment = (i: number): string => String(Math.round((result.steps[i]?.at ?? NaN) * 1000) / 1000);
      await page.click(`#steps li:nth-child(${start + 1}) button`);
      await waitForMoment(moment(start));
      await page.click(`#steps li:nth-child(${stop + 1}) button`);
      await waitForMoment(moment(stop));
      expect(await nodeCell(victim, 'role')).toBe('DOWN');
      await page.click('#next');
      await waitForMoment(moment(start));
      await page.click('#prev');
      await waitForMoment(moment(stop));
      await page.screenshot({ path: join(OUT, 'kill-orderer.png'), fullPage: true });
      expect(errors).toEqual([]);
    });
  },
);
