/**
 * The CertChain REST API and Keycloak, as the lab uses them: a password-grant token per
 * org realm (`/realms/<realm>/protocol/openid-connect/token`, client `course-manager-ui`),
 * then `POST /api/v1/certificates` and `GET /api/v1/verify/{certID}` with
 * `Authorization: Bearer`. Tokens are cached until shortly before they expire and are
 * registered with the masker the moment they arrive.
 */
import type { Certificate, IssueResult, OkResult, VerifyResult, VerifyStatus } from '../scenarios/cluster.ts';
import type { LiveConfig } from './config.ts';
import type { LiveIo } from './io.ts';
import { describeSecret } from './secrets.ts';

const STATUSES: readonly VerifyStatus[] = ['VALID', 'NOT_FOUND', 'REVOKED', 'EXPIRED'];

function jsonOrUndefined(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The server's own reason, from common JSON error shapes, else the start of the body. */
function reasonOf(body: string): string {
  const o = jsonOrUndefined(body);
  const r = o?.['error_description'] ?? o?.['message'] ?? o?.['error'] ?? o?.['reason'];
  if (typeof r === 'string') return r;
  const t = body.trim().replace(/\s+/g, ' ');
  return t === '' ? 'no body' : t.slice(0, 160);
}

export class CertChainApi {
  private readonly tokens = new Map<string, { token: string; expiresAtMs: number }>();

  constructor(
    private readonly config: LiveConfig,
    private readonly io: LiveIo,
  ) {}

  private org(via: string): LiveConfig['orgs'][string] {
    const o = this.config.orgs[via];
    if (o === undefined) throw new Error(`unknown org "${via}" (known: ${Object.keys(this.config.orgs).join(', ')})`);
    return o;
  }

  private apiUrl(via: string, path: string): string {
    const base = (this.org(via).apiUrl ?? this.config.api.baseUrl).replace(/\/+$/, '');
    return `${base}${path}`;
  }

  /** A bearer token for the org's realm (password grant). Rejects with Keycloak's reason. */
  async token(via: string): Promise<string> {
    const org = this.org(via);
    const cached = this.tokens.get(via);
    if (cached !== undefined && cached.expiresAtMs > Date.now()) return cached.token;
    const url = `${this.config.keycloak.url.replace(/\/+$/, '')}/realms/${encodeURIComponent(org.realm)}/protocol/openid-connect/token`;
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: this.config.keycloak.clientId,
      username: org.username,
      password: this.io.secret(org.password, `orgs.${via}.password`),
    });
    if (this.config.keycloak.clientSecret) form.set('client_secret', this.io.secret(this.config.keycloak.clientSecret, 'keycloak.clientSecret'));
    const res = await this.io.http(
      { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      `token for ${via} (realm ${org.realm}, user ${org.username}, password from ${describeSecret(org.password)})`,
    );
    if (res === undefined) {
      // Dry run: plan one token request per org, as the real run makes (tokens are cached).
      this.tokens.set(via, { token: 'DRY-RUN-TOKEN', expiresAtMs: Number.MAX_SAFE_INTEGER });
      return 'DRY-RUN-TOKEN';
    }
    if (res.status !== 200) throw new Error(`Keycloak realm ${org.realm}: login of ${org.username} failed (HTTP ${res.status}: ${this.io.masker.mask(reasonOf(res.body))})`);
    const o = jsonOrUndefined(res.body);
    const token = o?.['access_token'];
    if (typeof token !== 'string' || token === '') throw new Error(`Keycloak realm ${org.realm}: the answer has no access_token`);
    this.io.addSecret(token);
    const expiresIn = typeof o?.['expires_in'] === 'number' ? o['expires_in'] : 300;
    this.tokens.set(via, { token, expiresAtMs: Date.now() + Math.max(0, expiresIn - 30) * 1000 });
    return token;
  }

  async issue(via: string, cert: Certificate): Promise<IssueResult> {
    let token: string;
    try {
      token = await this.token(via);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const path = this.config.api.issuePath;
    try {
      const res = await this.io.http(
        { method: 'POST', url: this.apiUrl(via, path), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(cert) },
        `issue ${cert.certID} through ${via}`,
      );
      if (res === undefined) return { ok: true };
      const o = jsonOrUndefined(res.body);
      if (res.status < 200 || res.status >= 300) return { ok: false, error: `API POST ${path} answered ${res.status}: ${this.io.masker.mask(reasonOf(res.body))}` };
      const txID = o?.['txID'] ?? o?.['txId'] ?? o?.['transactionID'] ?? o?.['transactionId'];
      const block = o?.['block'] ?? o?.['blockNumber'];
      return { ok: true, ...(typeof txID === 'string' ? { txID } : {}), ...(typeof block === 'number' ? { block } : {}) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  async verify(certID: string, via: string): Promise<VerifyResult> {
    const path = this.config.api.verifyPath.replace('{certID}', encodeURIComponent(certID));
    try {
      // The lab verifies without a token; we send the org's token so the org's API (and
      // peer) answers, which a public endpoint ignores.
      const token = await this.token(via);
      const res = await this.io.http({ method: 'GET', url: this.apiUrl(via, path), headers: { authorization: `Bearer ${token}` } }, `verify ${certID} through ${via}`);
      if (res === undefined) return { status: 'VALID' };
      const o = jsonOrUndefined(res.body);
      const status = o?.['status'];
      if ((res.status === 200 || res.status === 404) && typeof status === 'string' && (STATUSES as readonly string[]).includes(status)) {
        const cert = o?.['certificate'];
        return { status: status as VerifyStatus, ...(typeof cert === 'object' && cert !== null ? { certificate: cert as VerifyResult['certificate'] & object } : {}) };
      }
      if (res.status === 404) return { status: 'NOT_FOUND' };
      return { status: 'NOT_FOUND', error: `API GET ${path} answered ${res.status}: ${this.io.masker.mask(reasonOf(res.body))}` };
    } catch (e) {
      return { status: 'NOT_FOUND', error: (e as Error).message };
    }
  }

  async revoke(certID: string, via: string): Promise<OkResult> {
    const path = this.config.api.revokePath.replace('{certID}', encodeURIComponent(certID));
    try {
      const token = await this.token(via);
      const res = await this.io.http({ method: 'POST', url: this.apiUrl(via, path), headers: { authorization: `Bearer ${token}` } }, `revoke ${certID} through ${via}`);
      if (res === undefined) return { ok: true };
      if (res.status >= 200 && res.status < 300) return { ok: true };
      return { ok: false, error: `API POST ${path} answered ${res.status}: ${this.io.masker.mask(reasonOf(res.body))}` };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  /** The API base URL an org's requests go to. */
  baseOf(via: string): string {
    return this.apiUrl(via, '');
  }

  /** Preflight: the API answers at all (any status below 500). */
  async probe(via: string): Promise<void> {
    const path = this.config.api.verifyPath.replace('{certID}', 'PREFLIGHT-PROBE');
    const res = await this.io.http({ method: 'GET', url: this.apiUrl(via, path) }, `preflight: the API ${this.baseOf(via)} answers`);
    if (res !== undefined && res.status >= 500) throw new Error(`preflight: API of ${via} answered ${res.status}: ${this.io.masker.mask(reasonOf(res.body))}`);
  }
}
