/**
 * Access tokens of the stand-in Keycloak: HS256 JWTs signed with a key drawn at process
 * start (never written anywhere), carrying the realm as the org. A token from another
 * process, a tampered one or an expired one is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly preferred_username: string;
  readonly azp: string;
  /** The org (= the realm the user signed in to). */
  readonly org: string;
  readonly iat: number;
  readonly exp: number;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export class TokenSigner {
  private readonly key = randomBytes(32);

  constructor(readonly lifetimeS = 300) {}

  sign(claims: Omit<TokenClaims, 'iat' | 'exp'>, nowMs = Date.now()): string {
    const iat = Math.floor(nowMs / 1000);
    const body = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ ...claims, iat, exp: iat + this.lifetimeS }))}`;
    return `${body}.${b64url(createHmac('sha256', this.key).update(body).digest())}`;
  }

  /** The claims of a valid token, or the reason it is not one. */
  verify(token: string, nowMs = Date.now()): TokenClaims | { error: string } {
    const parts = token.split('.');
    if (parts.length !== 3) return { error: 'malformed token' };
    const [h, p, sig] = parts as [string, string, string];
    const want = createHmac('sha256', this.key).update(`${h}.${p}`).digest();
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { error: 'invalid token signature' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { error: 'malformed token' };
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < nowMs) return { error: 'token expired' };
    return claims;
  }
}
