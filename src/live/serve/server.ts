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
 *
 * Client input never gets a 500: a route answers only its methods (405 with `Allow`
 * otherwise; a GET route answers HEAD too), a path segment that is not percent-encoded
 * UTF-8 is 400, a certificate with an impossible date is 400 naming the field, and a
 * certificate may be revoked only by the org that issued it (403 for another org).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Certificate, Cluster } from '../../scenarios/cluster.ts';
import { ScaledClock } from './clock.ts';
import { OcEmulator } from './oc-emulator.ts';
import { TokenSigner } from './tokens.ts';
import { metricsText } from './metrics.ts';
import { mspId } from '../../shared/names.ts';

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
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(String(body['error'] ?? status));
  }
}

const CERT_FIELDS = ['certID', 'studentID', 'studentName', 'courseID', 'courseName', 'issueDate', 'expiryDate'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** At most this much of a client's text is echoed back in an error. */
const ECHO_CHARS = 80;
const echo = (s: string): string => (s.length > ECHO_CHARS ? `${s.slice(0, ECHO_CHARS)}...` : s);

/** 405 unless `method` is one of `allowed` (a GET route answers HEAD too, RFC 9110 section 9.3.2). */
function allowOnly(method: string, allowed: readonly string[], path: string): void {
  const all = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed;
  if (!all.includes(method)) throw new HttpError(405, { error: 'method not allowed', reason: `${echo(path)} answers ${all.join(', ')}, not ${echo(method)}` }, { allow: all.join(', ') });
}

/** A percent-encoded path segment, decoded; 400 when it is not valid percent-encoded UTF-8. */
function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, { error: 'bad request', reason: `the ${what} "${echo(segment)}" in the path is not valid percent-encoded UTF-8` });
  }
}

/** The request target as a URL; 400 when it is not one (`*`, `//[`). */
function requestUrl(target: string): URL {
  try {
    // Origin-form (`/path?q`) is joined to a fixed origin, not resolved against it: `//x` stays a path.
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    throw new HttpError(400, { error: 'bad request', reason: `the request target "${echo(target)}" is not a path` });
  }
}

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

const badCert = (reason: string): HttpError => new HttpError(400, { error: 'invalid certificate', reason });

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` naming a day of the proleptic Gregorian calendar, as the chaincode requires. */
function checkDate(k: string, v: string): void {
  if (!/^\d{4}-\d\d-\d\d$/.test(v)) throw badCert(`field "${k}" must be a date YYYY-MM-DD, got "${echo(v)}"`);
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12) throw badCert(`field "${k}" is not a date: "${v}" has no month ${m}`);
  const n = daysInMonth(y, m);
  if (d < 1 || d > n) throw badCert(`field "${k}" is not a date: "${v}" has day ${d}, ${MONTHS[m - 1]!} ${y} has ${n} days`);
}

function certificateOf(o: Record<string, unknown>): Certificate {
  for (const k of CERT_FIELDS) {
    if (typeof o[k] !== 'string' || o[k] === '') throw badCert(`field "${k}" must be a non-empty string`);
  }
  // The chaincode refuses these at endorsement, which the REST API reports as a 500.
  if ((o['certID'] as string).trim() === '') throw badCert('field "certID" must not be blank');
  const issue = o['issueDate'] as string;
  const expiry = o['expiryDate'] as string;
  checkDate('issueDate', issue);
  checkDate('expiryDate', expiry);
  if (expiry < issue) throw badCert(`field "expiryDate" (${expiry}) is before "issueDate" (${issue})`);
  const c: Record<string, string> = {};
  for (const k of CERT_FIELDS) c[k] = o[k] as string;
  return c as unknown as Certificate;
}

/** JSON bodies only: `application/json` or a `+json` type; no Content-Type is read as JSON. */
function requireJson(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[^/]+\+json$/.test(type)) {
    throw new HttpError(415, { error: 'unsupported media type', reason: `the body must be JSON (Content-Type: application/json), got "${echo(contentType)}"` });
  }
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

  /**
   * Revoke `certID` for `org` if `org` issued it. The model's chaincode lets any org revoke
   * (RevokeCertificate checks only that the certificate exists and is not revoked); serve
   * applies CertChain's rule on top: the issuer is the MSP id the chaincode recorded at
   * issue, as the REST API's verify answer shows it.
   */
  async function revoke(certID: string, org: string): Promise<[number, Record<string, unknown>]> {
    const unknownIssuer: [number, Record<string, unknown>] = [501, { certID, error: 'not implemented', reason: 'this cluster does not report who issued a certificate, so serve cannot check who may revoke it' }];
    if (raw.verifyRaw === undefined) return unknownIssuer;
    const v = await raw.verifyRaw(certID, org);
    if (v.httpStatus >= 300) return [v.httpStatus, { ...v.body }];
    if (v.body['status'] === 'NOT_FOUND') return [404, { certID, error: `the certificate ${certID} does not exist` }];
    const issuer = (v.body['certificate'] as { issuer?: unknown } | undefined)?.issuer;
    if (typeof issuer !== 'string') return unknownIssuer;
    if (issuer !== mspId(org)) {
      const by = orgs.find((o) => mspId(o) === issuer);
      return [403, { certID, error: 'forbidden', reason: `only the org that issued ${certID} (${by ?? issuer}) may revoke it; this token is ${org}'s` }];
    }
    if (v.body['status'] === 'REVOKED') return [409, { certID, error: `the certificate ${certID} is already revoked` }];
    const r = await cluster.revokeCertificate(certID, org);
    if (r.ok) return [200, { certID, status: 'REVOKED' }];
    const e = r.error ?? 'revoke failed';
    return [/already revoked/i.test(e) ? 409 : /not found|NOT_FOUND|does not exist/i.test(e) ? 404 : 503, { error: e }];
  }

  async function api(method: string, path: string, req: IncomingMessage, body: () => Promise<string>): Promise<[number, Record<string, unknown>]> {
    if (path === '/api/v1/certificates') {
      allowOnly(method, ['POST'], path);
      const org = orgOfToken(req, true)!;
      requireJson(req.headers['content-type']);
      const cert = certificateOf(parseJson(await body()));
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
      allowOnly(method, ['GET'], path);
      const org = orgOfToken(req, false) ?? orgs[0]!;
      const certID = decodeSegment(verify[1]!, 'certID');
      if (raw.verifyRaw !== undefined) {
        const a = await clock.op(() => raw.verifyRaw!(certID, org));
        return [a.httpStatus, { ...a.body }];
      }
      const r = await clock.op(() => cluster.verifyCertificate(certID, org));
      if (r.error !== undefined) return [503, { certID, error: r.error }];
      return [r.status === 'NOT_FOUND' ? 404 : 200, { certID, status: r.status, ...(r.certificate !== undefined ? { certificate: r.certificate } : {}) }];
    }
    const revokeRoute = /^\/api\/v1\/certificates\/([^/]+)\/revoke$/.exec(path);
    if (revokeRoute) {
      allowOnly(method, ['POST'], path);
      const org = orgOfToken(req, true)!;
      const certID = decodeSegment(revokeRoute[1]!, 'certID');
      // The issuer check and the revoke run as one operation: nothing else reaches the cluster in between.
      return clock.op(() => revoke(certID, org));
    }
    return [404, { error: 'not found', reason: `no route ${echo(method)} ${echo(path)}` }];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const send = (status: number, body: Record<string, unknown> | string, type = 'application/json', headers: Readonly<Record<string, string>> = {}): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const url = requestUrl(req.url ?? '/');
      const path = url.pathname;
      const body = (): Promise<string> => readBody(req, limit);
      const realm = /^\/realms\/([^/]+)\/protocol\/openid-connect\/token$/.exec(path);
      if (realm) {
        allowOnly(method, ['POST'], path);
        const [s, b] = await token(decodeSegment(realm[1]!, 'realm'), await body(), req.headers['content-type']);
        send(s, b);
      } else if (path === '/metrics') {
        allowOnly(method, ['GET'], path);
        send(200, await clock.exclusive(() => metricsText(cluster)), 'text/plain; version=0.0.4');
      } else if (path.startsWith('/admin/')) {
        if (req.headers['x-admin-token'] !== opts.adminToken) throw new HttpError(401, { error: 'unauthorized', reason: 'admin calls need the x-admin-token serve printed' });
        const text = method === 'GET' || method === 'HEAD' ? '' : await body();
        const r = await oc.handle(method, path, text === '' ? undefined : parseJson(text), url.searchParams);
        send(r.status, r.body, typeof r.body === 'string' ? 'text/plain' : 'application/json', r.allow !== undefined ? { allow: r.allow } : {});
      } else if (path.startsWith('/api/')) {
        const [s, b] = await api(method, path, req, body);
        send(s, b);
      } else send(404, { error: 'not found', reason: `no route ${echo(method)} ${echo(path)}` });
    } catch (e) {
      if (e instanceof HttpError) send(e.status, e.body, 'application/json', e.headers);
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
