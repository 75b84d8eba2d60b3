import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startPlayServer } from '../../src/play/server.ts';
import { testEnv } from '../cli/env.ts';

describe('fabric-bft-sim play', () => {
  it('--out writes one self-contained page: the bundled simulator inline, no URL but the SVG namespace', async () => {
    const env = testEnv();
    expect(await main(['play', '--out', 'play.html', '--orderers', '7', '--seed', '3'], env)).toBe(0);
    const html = env.files.get('play.html') ?? '';
    expect(env.out()).toMatch(/^Playground written to play\.html \(\d+ KiB, self-contained/);
    // (booleans, not toContain: a failure would print the whole 90 KB page)
    expect(html.includes('"seed":3,"n":7')).toBe(true);
    expect(html.includes("default-src 'none'")).toBe(true);
    expect(/\s(src|href)\s*=/i.test(html)).toBe(false);
    expect(new Set(html.match(/https?:\/\/[^\s'"<>)\\]+/g) ?? [])).toEqual(new Set(['http://www.w3.org/2000/svg']));
    // the model itself is in the page: the consenter and the kernel, bundled
    expect(html.includes('createConsenter: nodes must list at least one consenter')).toBe(true);
    expect(html.includes('Scheduler.schedule: time')).toBe(true);
    expect(html.length).toBeLessThan(400_000);
  });

  it('bad input: one line on stderr, exit 2', async () => {
    for (const [args, msg] of [
      [['play', '--orderers', '40'], 'fabric-bft-sim play: --orderers expects a whole number from 1 to 16, got "40"'],
      [['play', 'x'], 'fabric-bft-sim play: takes no arguments, got "x"'],
      [['play', '--out', 'p.html', '--port', '8080'], 'fabric-bft-sim play: --out writes a file and --port serves it: give one of them'],
    ] as const) {
      const env = testEnv();
      expect(await main([...args], env)).toBe(2);
      expect(env.err()).toBe(`${msg}\n`);
    }
  });

  it('serves the page on 127.0.0.1 at / only, GET and HEAD only', async () => {
    const server = await startPlayServer('<!doctype html><title>p</title>', 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const ok = await fetch(server.url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await ok.text()).toBe('<!doctype html><title>p</title>');
      expect((await fetch(`${server.url}x.js`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('a port in use is a clear error', async () => {
    const a = await startPlayServer('x', 0);
    try {
      const port = Number(new URL(a.url).port);
      await expect(startPlayServer('x', port)).rejects.toThrow(`port ${port} on 127.0.0.1 is in use (pick another with --port, or --port 0 for any free one)`);
    } finally {
      await a.close();
    }
  });
});
