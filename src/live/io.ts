/**
 * The one gate through which the live adapter touches the world. Every `oc` command and
 * HTTP request is written to the plan (masked) first; in a dry run that is all that
 * happens and the call answers `undefined`; otherwise it runs, under the run's abort
 * signal, and failures come back as masked errors. Secrets are read here, on first use,
 * and only when executing: a dry run never reads an environment variable's value or a
 * secret file.
 */
import { HttpClient, type HttpRequest, type HttpResponse, type TlsOptions } from './http.ts';
import { OcRunner, formatCommand, type OcOutput } from './oc.ts';
import { Plan, type PlanEntry } from './plan.ts';

/** `oc` verbs that only read. */
const OC_READS = ['get', 'logs', 'whoami'];
import { MASK, Masker, readSecret, type SecretRef } from './secrets.ts';

export interface LiveIoOptions {
  readonly dryRun: boolean;
  readonly ocPath: string;
  readonly ocTimeoutMs: number;
  readonly httpTimeoutMs: number;
  readonly tls: TlsOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly baseDir: string;
  /** Called for each command or request as it starts (progress; already masked). */
  readonly onStep?: (line: string) => void;
}

export class LiveIo {
  readonly plan = new Plan();
  readonly masker = new Masker();
  private readonly ocRunner: OcRunner;
  private readonly httpClient: HttpClient;
  private readonly abortController = new AbortController();
  private readonly secretCache = new Map<string, string>();

  constructor(readonly opts: LiveIoOptions) {
    this.ocRunner = new OcRunner({ path: opts.ocPath, timeoutMs: opts.ocTimeoutMs, masker: this.masker, env: opts.env });
    this.httpClient = new HttpClient(opts.tls, opts.httpTimeoutMs, this.masker);
  }

  get dryRun(): boolean {
    return this.opts.dryRun;
  }

  get aborted(): boolean {
    return this.abortController.signal.aborted;
  }

  /** A secret's value when executing; `***` in a dry run (never read). */
  secret(ref: SecretRef, what: string): string {
    if (this.opts.dryRun) return MASK;
    const key = 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`;
    let v = this.secretCache.get(key);
    if (v === undefined) {
      v = readSecret(ref, what, this.opts.env, this.opts.baseDir);
      this.masker.add(v);
      this.secretCache.set(key, v);
    }
    return v;
  }

  /** Register a value learnt at run time (a bearer token) so it is masked everywhere. */
  addSecret(v: string): void {
    this.masker.add(v);
  }

  note(text: string): void {
    this.plan.note(this.masker.mask(text));
  }

  /**
   * Run `oc args` (or only record it). `stdin` carries secrets into the pod; it is shown
   * masked. `recovery` calls run even after an abort (undos).
   */
  async oc(args: readonly string[], why: string, opts: { stdin?: string; timeoutMs?: number; recovery?: boolean } = {}): Promise<OcOutput | undefined> {
    const command = this.masker.mask(formatCommand(this.opts.ocPath, args));
    this.record({ kind: 'oc', command, ...(opts.stdin !== undefined ? { stdin: this.masker.mask(opts.stdin) } : {}), why }, OC_READS.includes(args[0] ?? ''));
    if (this.opts.dryRun) return undefined;
    this.checkAbort(opts.recovery);
    this.opts.onStep?.(`$ ${command}`);
    return this.ocRunner.run(
      { args, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}), ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) },
      opts.recovery === true ? undefined : this.abortController.signal,
    );
  }

  async http(req: HttpRequest, why: string, opts: { recovery?: boolean } = {}): Promise<HttpResponse | undefined> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = /^authorization$/i.test(k) ? v.replace(/^(Bearer\s+).*/i, `$1${MASK}`) : this.masker.mask(v);
    this.record(
      {
        kind: 'http',
        method: req.method,
        url: this.masker.mask(req.url),
        headers,
        ...(req.body !== undefined ? { body: this.masker.mask(req.body) } : {}),
        why,
      },
      req.method === 'GET',
    );
    if (this.opts.dryRun) return undefined;
    this.checkAbort(opts.recovery);
    this.opts.onStep?.(`> ${req.method} ${this.masker.mask(req.url)}`);
    return this.httpClient.send(req, opts.recovery === true ? undefined : this.abortController.signal);
  }

  /**
   * Add to the plan. In a dry run a read identical to the entry just before it (say
   * "is orderer.org3 up", asked by a poll and again by the status it reads) is left out:
   * it would print the same line twice and tell nothing new. A real run's transcript
   * keeps every call.
   */
  private record(e: PlanEntry, read: boolean): void {
    const prev = this.plan.entries[this.plan.entries.length - 1];
    if (this.opts.dryRun && read && prev !== undefined && JSON.stringify(prev) === JSON.stringify(e)) return;
    this.plan.add(e);
  }

  /** Stop everything in flight (Ctrl-C, timeout). Later non-recovery calls reject. */
  abort(): void {
    this.abortController.abort();
    this.ocRunner.killAll();
    this.httpClient.abortAll();
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  private checkAbort(recovery: boolean | undefined): void {
    if (recovery !== true && this.abortController.signal.aborted) throw new Error('run aborted');
  }
}
