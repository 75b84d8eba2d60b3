/** Shared helpers for the live tests: the example config pointed at loopback, a recording oc stand-in, a tiny HTTP server. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildLiveConfig, type LiveConfig } from '../../src/live/config.ts';
import { startServe, type RunningServe } from '../../src/live/serve/server.ts';
import { SimCluster } from '../../src/sim/cluster/sim-cluster.ts';
import { simTarget } from '../../src/cli/targets.ts';
import type { SimTarget } from '../../src/io/env.ts';

export const STANDIN = resolve(import.meta.dirname, 'fixtures/oc');
export const EXAMPLE = resolve(import.meta.dirname, '../../examples/certchain.live.yaml');

export const SECRETS = {
  CERTCHAIN_TECHPULSE_PASSWORD: 'tp-Secret-4711',
  CERTCHAIN_DATAFORGE_PASSWORD: 'df-Secret-4712',
  CERTCHAIN_ORG3_PASSWORD: 'o3-Secret-4713',
  CERTCHAIN_COUCHDB_PASSWORD: 'couch-Secret-4714',
};

/** The example config with hosts replaced by loopback URLs and oc by the stand-in. */
export function exampleDoc(over: { api?: string; keycloak?: string; oc?: string; ocTimeout?: string } = {}): Record<string, unknown> {
  const doc = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
  if (over.api !== undefined) doc['api']!['baseUrl'] = over.api;
  if (over.keycloak !== undefined) doc['keycloak']!['url'] = over.keycloak;
  doc['oc'] = { path: over.oc ?? STANDIN, timeout: over.ocTimeout ?? '10s' };
  doc['timeouts'] = { rollout: '20s', scaleDown: '20s', http: '5s', poll: '100ms' };
  return doc;
}

export function exampleConfig(over: Parameters<typeof exampleDoc>[0] = {}): LiveConfig {
  return buildLiveConfig(exampleDoc(over), 'test.live.yaml', import.meta.dirname);
}

const tempDirs: string[] = [];

/**
 * A fresh directory under the system temp dir, removed by `removeTempDirs` (every test
 * file that makes one calls `afterAll(removeTempDirs)`): call logs hold the CouchDB
 * password the stand-in received on stdin, and nothing of a test may stay behind.
 */
export function tempDir(prefix = 'fbs-live-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made in this test file. */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeConfig(doc: Record<string, unknown>): string {
  const dir = tempDir('fbs-live-');
  const p = join(dir, 'c.yaml');
  writeFileSync(p, stringify(doc));
  return p;
}

/** A file the stand-in appends its calls to. */
export function callLog(): { path: string; calls: () => { args: string[]; stdin: string }[] } {
  const dir = tempDir('fbs-oc-');
  const path = join(dir, 'calls.jsonl');
  return {
    path,
    calls: () =>
      existsSync(path)
        ? readFileSync(path, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as { args: string[]; stdin: string })
        : [],
  };
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A loopback HTTP server; resolves with its base URL and a close function. */
export async function loopbackServer(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The simulated CertChain behind the real HTTP APIs on 127.0.0.1 (port 0), with the
 * test secrets as its passwords, and a live config pointing at it: what the end-to-end
 * live tests drive through the `oc` stand-in.
 */
export async function startTestServe(adminToken: string): Promise<{ sim: SimCluster; serve: RunningServe; cfg: string }> {
  const sim = await SimCluster.create({ seed: 1, keep: { logs: true } });
  const serve = await startServe({
    cluster: sim,
    port: 0,
    speed: 20,
    adminToken,
    passwords: { techpulse: SECRETS.CERTCHAIN_TECHPULSE_PASSWORD, dataforge: SECRETS.CERTCHAIN_DATAFORGE_PASSWORD, org3: SECRETS.CERTCHAIN_ORG3_PASSWORD },
    couchdbPassword: SECRETS.CERTCHAIN_COUCHDB_PASSWORD,
  });
  return { sim, serve, cfg: writeConfig(exampleDoc({ api: serve.url, keycloak: serve.url })) };
}

/** The simulator wiring the CLI passes to the live commands (their io's `target`). */
export const cliSimTarget = async (): Promise<SimTarget> => simTarget();
