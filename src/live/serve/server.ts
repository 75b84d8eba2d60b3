/**
 * `fabric-bft-sim serve`: the simulated CertChain behind the same HTTP APIs as the real
 * one, in scaled wall-clock time, on loopback by default.
 *
 *   POST /realms/{realm}/protocol/openid-connect/token   Keycloak password grant (signed tokens; org = realm)
 *   POST /api/v1/certificates                            issue (Bearer token required)
 *   GET  /api/v1/verify/{certID}                         verify (token optional; it picks the org's peer)
 *   POST /api/v1/certificates/{certID}/revoke            revoke (Bearer token required)
 *   GET  /metrics                                        Prometheus text, Fabric's metric names
 *   /admin/...                                           what the `oc` stand-in calls (x-admin-token)
 *
 * The lab's curl commands work against it with the host replaced by localhost:8080.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Certificate, Cluster } from '../../scenarios/cluster.ts';
import { ScaledClock } from './clock.ts';
import { OcEmulator } from './oc-emulator.ts';
import { TokenSigner } from './tokens.ts';
import { metricsText } from './metrics.ts';

export interface ServeOptions {
  readonly cluster: Cluster;
  readonly host?: string;
  readonly port?: number;
  readonly speed?: number;
  /** Keycloak client id the token endpoint accepts. */
  readonly clientId?: string;
  /** Password of `admin@<org>.demo` per org (default the lab's `admin`). */
  readonly passwords?: Readonly<Record<string, string>>;
  /** CouchDB `admin` password the `oc exec ... curl` path checks (default the lab's `adminpw`). */
  readonly couchdbPassword?: string;
  /** Required in the `x-admin-token` header of /admin calls. */
  readonly adminToken: string;
  readonly maxBodyBytes?: number;
}

export interface RunningServe {
  readonly url: string;
  readonly clock: ScaledClock;
  /** The stand-in's view of deployments and Argo CD applications. */
  readonly admin: OcEmulator;
  close(): Promise<void>;
}

/** What a simulated target may offer beyond the port: the REST API's raw answers. */
interface RawApi {
  issueRaw(via: string, cert: Certificate): Promise<{ httpStatus: number; body: Readonly<Record<string, unknown>> }>;
  verifyRaw(certID: string, via: string): Promise<{ httpStatus: number; body: Readonly<Record<string, unknown>> }>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['error'] ?? status));
  }
}

const CERT_FIELDS = ['certID', 'studentID', 'studentName', 'courseID', 'courseName', 'issueDate', 'expiryDate'] as const;

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveP, rejectP) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      rejectP(new HttpError(413, { error: 'payload too large', reason: `the body may be at most ${limit} bytes` }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit && !failed) {
        failed = true;
        rejectP(new HttpError(413, { error: 'payload too large', reason: `the body may be at most ${limit} bytes` }));
      } else if (!failed) chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolveP(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => rejectP(e));
  });
}

function parseJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, { error: 'bad JSON', reason: (e as Error).message });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, { error: 'bad JSON', reason: 'the body must be a JSON object' });
  return v as Record<string, unknown>;
}

function certificateOf(o: Record<string, unknown>): Certificate {
  for (const k of CERT_FIELDS) {
    if (typeof o[k] !== 'string' || o[k] === '') throw new HttpError(400, { error: 'invalid certificate', reason: `field "${k}" must be a non-empty string` });
  }
  for (const k of ['issueDate', 'expiryDate'] as const) {
    if (!/^\d{4}-\d\d-\d\d$/.test(o[k] as string)) throw new HttpError(400, { error: 'invalid certificate', reason: `field "${k}" must be a date YYYY-MM-DD` });
  }
  const c: Record<string, string> = {};
  for (const k of CERT_FIELDS) c[k] = o[k] as string;
  return c as unknown as Certificate;
}

export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  const cluster = opts.cluster;
  // The simulator's gateway answers with the REST API's own status and body; use them when it offers them.
  const raw = cluster as Cluster & Partial<RawApi>;
  const clock = new ScaledClock(cluster, opts.speed ?? 1);
  const signer = new TokenSigner();
  const clientId = opts.clientId ?? 'course-manager-ui';
  const limit = opts.maxBodyBytes ?? 64 * 1024;
  const orgs = cluster.topology.orgs;
  const oc = new OcEmulator(cluster, clock, opts.couchdbPassword ?? 'adminpw');
  let baseUrl = '';

  function orgOfToken(req: IncomingMessage, required: boolean): string | undefined {
    const h = req.headers.authorization;
    if (h === undefined) {
      if (required) throw new HttpError(401, { error: 'unauthorized', reason: 'missing Authorization: Bearer token' });
      return undefined;
    }
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new HttpError(401, { error: 'unauthorized', reason: 'the Authorization header must be "Bearer <token>"' });
    const c = signer.verify(m[1]!);
    if ('error' in c) throw new HttpError(401, { error: 'unauthorized', reason: c.error });
    return c.org;
  }

  async function token(realm: string, body: string, contentType: string | undefined): Promise<[number, Record<string, unknown>]> {
    if (!orgs.includes(realm)) return [404, { error: 'Realm does not exist' }];
    if (!(contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
      return [400, { error: 'invalid_request', error_description: 'use application/x-www-form-urlencoded' }];
    }
    const f = new URLSearchParams(body);
    if (f.get('grant_type') !== 'password') return [400, { error: 'unsupported_grant_type', error_description: 'only grant_type=password' }];
    if (f.get('client_id') !== clientId) return [401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }];
    const user = f.get('username') ?? '';
    const want = opts.passwords?.[realm] ?? 'admin';
    if (user !== `admin@${realm}.demo` || f.get('password') !== want) return [401, { error: 'invalid_grant', error_description: 'Invalid user credentials' }];
    const access = signer.sign({ iss: `${baseUrl}/realms/${realm}`, sub: user, preferred_username: user, azp: clientId, org: realm });
    return [200, { access_token: access, expires_in: signer.lifetimeS, token_type: 'Bearer', scope: 'openid' }];
  }

  async function api(method: string, path: string, req: IncomingMessage, body: string): Promise<[number, Record<string, unknown>]> {
    if (path === '/api/v1/certificates') {
      if (method !== 'POST') throw new HttpError(405, { error: 'method not allowed' });
      const org = orgOfToken(req, true)!;
      const cert = certificateOf(parseJson(body));
      if (raw.issueRaw !== undefined) {
        const a = await clock.op(() => raw.issueRaw!(org, cert));
        return [a.httpStatus, { ...a.body }];
      }
      const r = await clock.op(() => cluster.issueCertificate(org, cert));
      if (r.ok) return [201, { certID: cert.certID, status: 'ISSUED', ...(r.txID !== undefined ? { txID: r.txID } : {}), ...(r.block !== undefined ? { blockNumber: r.block } : {}) }];
      return [/exists|duplicate/i.test(r.error ?? '') ? 409 : 503, { error: r.error ?? 'issue failed' }];
    }
    const verify = /^\/api\/v1\/verify\/([^/]+)$/.exec(path);
    if (verify) {
      if (method !== 'GET') throw new HttpError(405, { error: 'method not allowed' });
      const org = orgOfToken(req, false) ?? orgs[0]!;
      const certID = decodeURIComponent(verify[1]!);
      if (raw.verifyRaw !== undefined) {
        const a = await clock.op(() => raw.verifyRaw!(certID, org));
        return [a.httpStatus, { ...a.body }];
      }
      const r = await clock.op(() => cluster.verifyCertificate(certID, org));
      if (r.error !== undefined) return [503, { certID, error: r.error }];
      return [r.status === 'NOT_FOUND' ? 404 : 200, { certID, status: r.status, ...(r.certificate !== undefined ? { certificate: r.certificate } : {}) }];
    }
    const revoke = /^\/api\/v1\/certificates\/([^/]+)\/revoke$/.exec(path);
    if (revoke) {
      if (method !== 'POST') throw new HttpError(405, { error: 'method not allowed' });
      const org = orgOfToken(req, true)!;
      const certID = decodeURIComponent(revoke[1]!);
      const r = await clock.op(() => cluster.revokeCertificate(certID, org));
      return r.ok ? [200, { certID, status: 'REVOKED' }] : [/not found|NOT_FOUND|does not exist/i.test(r.error ?? '') ? 404 : 503, { error: r.error ?? 'revoke failed' }];
    }
    return [404, { error: 'not found', reason: `no route ${method} ${path}` }];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const send = (status: number, body: Record<string, unknown> | string, type = 'application/json'): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req, limit);
      const realm = /^\/realms\/([^/]+)\/protocol\/openid-connect\/token$/.exec(path);
      if (realm) {
        if (method !== 'POST') throw new HttpError(405, { error: 'method not allowed' });
        const [s, b] = await token(decodeURIComponent(realm[1]!), body, req.headers['content-type']);
        send(s, b);
      } else if (path === '/metrics') {
        send(200, await clock.exclusive(() => metricsText(cluster)), 'text/plain; version=0.0.4');
      } else if (path.startsWith('/admin/')) {
        if (req.headers['x-admin-token'] !== opts.adminToken) throw new HttpError(401, { error: 'unauthorized', reason: 'admin calls need the x-admin-token serve printed' });
        const r = await oc.handle(method, path, body === '' ? undefined : parseJson(body), url.searchParams);
        send(r.status, r.body, typeof r.body === 'string' ? 'text/plain' : 'application/json');
      } else if (path.startsWith('/api/')) {
        const [s, b] = await api(method, path, req, body);
        send(s, b);
      } else send(404, { error: 'not found', reason: `no route ${method} ${path}` });
    } catch (e) {
      if (e instanceof HttpError) send(e.status, e.body);
      else send(500, { error: 'internal error', reason: (e as Error).message.split('\n')[0] ?? '' });
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolveP, rejectP) => {
    server.once('error', (e: NodeJS.ErrnoException) => rejectP(new Error(e.code === 'EADDRINUSE' ? `port ${opts.port ?? 8080} on ${host} is in use (pick another with --port)` : `cannot listen on ${host}: ${e.message}`)));
    server.listen(opts.port ?? 8080, host, () => resolveP());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  clock.start();
  return {
    url: baseUrl,
    clock,
    admin: oc,
    close: async () => {
      oc.stop();
      clock.stop();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await clock.exclusive(() => Promise.resolve());
    },
  };
}
