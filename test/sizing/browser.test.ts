/**
 * The sizing page (`size --report`) in a real browser: headless Debian chromium driven by
 * playwright-core, at 1280 px wide. Every plot's text is at least 11 px on screen, the four
 * plots sit two a row, and nothing fails to load. Saves a screenshot under
 * test-output/sizing/ (gitignored); docs/img/sizing.png is a copy of it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { processEnv } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = resolve('test-output/sizing');

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'sizing page in headless chromium: size --orderers 4,7,10,13 --zones 4 --tolerate 2 --survive-zone-loss' : `sizing page in headless chromium: SKIPPED, ${CHROMIUM} is not installed`,
  () => {
    let context: BrowserContext;
    let page: Page;
    let profile: string;
    const errors: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, 'sizing.html');
      let err = '';
      // Through the CLI, as a user runs it (it hands sizing its output checks).
      const code = await main(['size', '--orderers', '4,7,10,13', '--zones', '4', '--tolerate', '2', '--survive-zone-loss', '--report', file], {
        ...processEnv(),
        stdout: () => undefined,
        stderr: (s) => void (err += s),
      });
      expect([code, err]).toEqual([0, '']);
      profile = mkdtempSync(join(tmpdir(), 'fabric-bft-sim-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 1200 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
    });

    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('four plots, two a row, every plot text >= 11 px on screen, no request beyond the file', async () => {
      const boxes = await page.$$eval('svg.plot', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => ({ x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width) })));
      expect(boxes).toHaveLength(4);
      expect(new Set(boxes.map((b) => b.y)).size).toBe(2);
      expect(Math.max(...boxes.map((b) => b.x + b.w))).toBeLessThanOrEqual(1280);
      const fonts = await page.$$eval('svg.plot text', (ts) => ts.map((t) => t.getBoundingClientRect().height > 0 ? parseFloat(t.ownerDocument.defaultView?.getComputedStyle(t).fontSize ?? '0') : 0));
      expect(fonts.length).toBeGreaterThan(40);
      expect(Math.min(...fonts)).toBeGreaterThanOrEqual(11);
      const labels = await page.$$eval('svg.plot text.axis-label', (ts) => ts.map((t) => t.textContent));
      expect(labels).toEqual(['orderers (n)', 'availability (nines)', 'orderers (n)', 'messages per decision', 'orderers (n)', 'latency (ms)', 'orderers (n)', 'recovery time (s)']);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(OUT, 'sizing.png'), clip: { x: 0, y: 0, width: 1280, height: 1110 } });
    });
  },
);
