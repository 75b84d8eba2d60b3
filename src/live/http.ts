/**
 * HTTP for the live adapter: the CertChain REST API, Keycloak's token endpoint and the
 * optional metrics endpoint. Built on node:http/https rather than `fetch`, because
 * Node 20's built-in fetch cannot take a CA file or skip verification without installing
 * undici; node:https takes `ca` and `rejectUnauthorized` per request. TLS is verified by
 * default; `tls.caFile` (or `--ca-file`) adds a CA, `--insecure` turns verification off.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Masker } from './secrets.ts';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface TlsOptions {
  readonly ca?: string;
  readonly insecure: boolean;
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class HttpClient {
  private readonly live = new Set<() => void>();

  constructor(
    private readonly tls: TlsOptions,
    private readonly timeoutMs: number,
    private readonly masker: Masker,
  ) {}

  send(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const u = new URL(req.url);
    const shown = this.masker.mask(`${req.method} ${u.origin}${u.pathname}`);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    return new Promise<HttpResponse>((resolveP, rejectP) => {
      let settled = false;
      const done = (err: Error | null, res?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.live.delete(cancel);
        signal?.removeEventListener('abort', cancel);
        if (err) rejectP(err);
        else resolveP(res!);
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      const opts = {
        method: req.method,
        headers,
        ...(u.protocol === 'https:' ? { rejectUnauthorized: !this.tls.insecure, ...(this.tls.ca !== undefined ? { ca: this.tls.ca } : {}) } : {}),
      };
      const r = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            r.destroy();
            done(new Error(`${shown}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
          } else chunks.push(c);
        });
        res.on('end', () => done(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => done(new Error(this.masker.mask(`${shown}: ${e.message}`))));
      });
      const cancel = (): void => {
        r.destroy();
        done(new Error(`${shown}: aborted`));
      };
      this.live.add(cancel);
      if (signal?.aborted) {
        cancel();
        return;
      }
      signal?.addEventListener('abort', cancel);
      const timer = setTimeout(() => {
        r.destroy();
        done(new Error(`${shown}: no answer within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      r.on('error', (e: NodeJS.ErrnoException) => done(new Error(this.masker.mask(describeNetError(shown, u, e)))));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  abortAll(): void {
    for (const c of [...this.live]) c();
  }
}

function describeNetError(shown: string, u: URL, e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return `${shown}: connection refused by ${u.host}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${shown}: host ${u.hostname} not found`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `${shown}: TLS certificate of ${u.host} not trusted (${code}); add its CA with tls.caFile or --ca-file, or pass --insecure to skip verification`;
  }
  return `${shown}: ${e.message}`;
}
