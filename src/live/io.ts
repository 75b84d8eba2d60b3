/**
 * The one gate through which the live adapter touches the world, in two implementations:
 *
 * - `ExecutingIo` runs every `oc` command and HTTP request, under the run's abort signal
 *   (failures come back as masked errors), waits in wall time and loops until a condition
 *   holds;
 * - `DryRunRecorder` runs nothing: it records each command and request it is handed and
 *   answers `undefined` (nothing is known), passes each loop once, and narrates in the
 *   plan what a recording cannot show (a loop, an undo, a value a real run reads).
 *
 * Both write every command and request to the plan (masked) first, so the same code in
 * `LiveCluster` makes a real run's transcript and a dry run's plan, with no branch on the
 * mode. Secrets are read here, on first use, and only when executing: the recorder never
 * reads an environment variable's value or a secret file.
 */
import { formatDuration } from '../scenarios/duration.ts';
import { HttpClient, type HttpRequest, type HttpResponse, type TlsOptions } from './http.ts';
import { OcRunner, formatCommand, type OcOutput } from './oc.ts';
import { Plan, type PlanEntry } from './plan.ts';
import { MASK, Masker, readSecret, type SecretRef } from './secrets.ts';

/** `oc` verbs that only read. */
const OC_READS = ['get', 'logs', 'whoami'];

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

export interface OcOptions {
  /** Carries secrets into the pod; shown masked. */
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** Runs even after an abort (undos). */
  readonly recovery?: boolean;
}

/** Work started in the background (a load): `stop` asks it to end, `done` settles when it has. */
export interface Background {
  stop(): void;
  readonly done: Promise<void>;
}

/** A value a real run finds out from what it reads (the current leader). */
export interface FindOut<T> {
  /** What is being found out, in the plan's words. */
  readonly what: string;
  /** How a real run finds it. */
  readonly find: () => Promise<T>;
  /** The recorder: one read that stands for what a real run reads. */
  readonly sample: () => Promise<unknown>;
  /** The recorder's answer, and the sentence that says the plan assumes it. */
  readonly assume: T;
  readonly assumption: string;
}

export function createLiveIo(opts: LiveIoOptions): LiveIo {
  return opts.dryRun ? new DryRunRecorder(opts) : new ExecutingIo(opts);
}

export abstract class LiveIo {
  readonly plan = new Plan();
  readonly masker = new Masker();
  protected readonly abortController = new AbortController();

  constructor(readonly opts: LiveIoOptions) {}

  /** True for the recorder. */
  abstract readonly dryRun: boolean;

  get aborted(): boolean {
    return this.abortController.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  /** A secret's value when executing; `***` in a dry run (never read). */
  abstract secret(ref: SecretRef, what: string): string;

  /** Register a value learnt at run time (a bearer token) so it is masked everywhere. */
  addSecret(v: string): void {
    this.masker.add(v);
  }

  note(text: string): void {
    this.plan.note(this.masker.mask(text));
  }

  /** A line only a dry run's plan needs: what the plan cannot show by itself (an undo registered, a value it assumes). */
  abstract narrate(text: string): void;

  /** Run `oc args` (or only record it); the output, or undefined when nothing ran. */
  async oc(args: readonly string[], why: string, opts: OcOptions = {}): Promise<OcOutput | undefined> {
    const command = this.masker.mask(formatCommand(this.opts.ocPath, args));
    this.record({ kind: 'oc', command, ...(opts.stdin !== undefined ? { stdin: this.masker.mask(opts.stdin) } : {}), why }, OC_READS.includes(args[0] ?? ''));
    return this.runOc(args, command, opts);
  }

  /** Send `req` (or only record it, the bearer token and secrets masked); the response, or undefined when nothing was sent. */
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
    return this.sendHttp(req, opts);
  }

  protected abstract runOc(args: readonly string[], command: string, opts: OcOptions): Promise<OcOutput | undefined>;
  protected abstract sendHttp(req: HttpRequest, opts: { recovery?: boolean }): Promise<HttpResponse | undefined>;

  /** Wait `ms` (a scenario's sleep). */
  abstract sleep(ms: number): Promise<void>;

  /**
   * Ask `condition` every `everyMs` until it holds (true) or `timeoutMs` has passed
   * (false); `until` says what it waits for, in the plan's words.
   */
  abstract repeatUntil(until: string, everyMs: number, timeoutMs: number, condition: () => Promise<boolean> | boolean): Promise<boolean>;

  /** `each(0)`, `each(1)`, ... `each(count - 1)`, one every `everyMs`, in the background; `what` names it in the plan. */
  abstract background(what: string, count: number, everyMs: number, each: (i: number) => Promise<void>): Promise<Background>;

  /** A value a real run finds out from what it reads; the recorder samples one read and assumes. */
  abstract findOut<T>(f: FindOut<T>): Promise<T>;

  /** A value computed from what was read so far; the recorder, which read nothing, shows `placeholder`. */
  abstract fromReads<T>(compute: () => T, placeholder: T): T;

  /** Stop everything in flight (Ctrl-C, timeout). Later non-recovery calls reject. */
  abort(): void {
    this.abortController.abort();
  }

  /** Add to the plan. */
  protected record(e: PlanEntry, _read: boolean): void {
    this.plan.add(e);
  }
}

/** Runs every command and request; the plan is the run's transcript. */
export class ExecutingIo extends LiveIo {
  readonly dryRun = false;
  private readonly ocRunner: OcRunner;
  private readonly httpClient: HttpClient;
  private readonly secretCache = new Map<string, string>();

  constructor(opts: LiveIoOptions) {
    super(opts);
    this.ocRunner = new OcRunner({ path: opts.ocPath, timeoutMs: opts.ocTimeoutMs, masker: this.masker, env: opts.env });
    this.httpClient = new HttpClient(opts.tls, opts.httpTimeoutMs, this.masker);
  }

  secret(ref: SecretRef, what: string): string {
    const key = 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`;
    let v = this.secretCache.get(key);
    if (v === undefined) {
      v = readSecret(ref, what, this.opts.env, this.opts.baseDir);
      this.masker.add(v);
      this.secretCache.set(key, v);
    }
    return v;
  }

  narrate(): void {}

  protected runOc(args: readonly string[], command: string, opts: OcOptions): Promise<OcOutput> {
    this.checkAbort(opts.recovery);
    this.opts.onStep?.(`$ ${command}`);
    return this.ocRunner.run(
      { args, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}), ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) },
      opts.recovery === true ? undefined : this.abortController.signal,
    );
  }

  protected sendHttp(req: HttpRequest, opts: { recovery?: boolean }): Promise<HttpResponse> {
    this.checkAbort(opts.recovery);
    this.opts.onStep?.(`> ${req.method} ${this.masker.mask(req.url)}`);
    return this.httpClient.send(req, opts.recovery === true ? undefined : this.abortController.signal);
  }

  sleep(ms: number): Promise<void> {
    return this.pause(ms);
  }

  async repeatUntil(_until: string, everyMs: number, timeoutMs: number, condition: () => Promise<boolean> | boolean): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.aborted) throw new Error('run aborted');
      if (await condition()) return true;
      if (Date.now() >= deadline) return false;
      await this.pause(Math.min(everyMs, Math.max(0, deadline - Date.now())));
    }
  }

  background(_what: string, count: number, everyMs: number, each: (i: number) => Promise<void>): Promise<Background> {
    let stopped = false;
    const done = (async () => {
      for (let i = 0; i < count && !stopped && !this.aborted; i++) {
        await each(i);
        await this.pause(everyMs);
      }
    })();
    return Promise.resolve({ stop: () => void (stopped = true), done });
  }

  findOut<T>(f: FindOut<T>): Promise<T> {
    return f.find();
  }

  fromReads<T>(compute: () => T): T {
    return compute();
  }

  override abort(): void {
    super.abort();
    this.ocRunner.killAll();
    this.httpClient.abortAll();
  }

  /** Wait `ms`, or less if the run is aborted. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolveP) => {
      const t = setTimeout(done, ms);
      const sig = this.signal;
      function done(): void {
        sig.removeEventListener('abort', done);
        clearTimeout(t);
        resolveP();
      }
      sig.addEventListener('abort', done);
    });
  }

  private checkAbort(recovery: boolean | undefined): void {
    if (recovery !== true && this.aborted) throw new Error('run aborted');
  }
}

/** Runs nothing: records what a real run would do, and that record is the dry run's output. */
export class DryRunRecorder extends LiveIo {
  readonly dryRun = true;

  secret(): string {
    return MASK;
  }

  narrate(text: string): void {
    this.note(text);
  }

  protected runOc(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  protected sendHttp(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  sleep(ms: number): Promise<void> {
    this.note(`sleep ${formatDuration(ms)}`);
    return Promise.resolve();
  }

  async repeatUntil(until: string, everyMs: number, timeoutMs: number, condition: () => Promise<boolean> | boolean): Promise<boolean> {
    this.note(`repeat every ${formatDuration(everyMs)} (up to ${formatDuration(timeoutMs)}) until ${until}:`);
    await condition();
    return true;
  }

  async background(what: string, _count: number, _everyMs: number, each: (i: number) => Promise<void>): Promise<Background> {
    this.note(what);
    await each(0);
    return { stop: () => undefined, done: Promise.resolve() };
  }

  async findOut<T>(f: FindOut<T>): Promise<T> {
    this.note(f.what);
    await f.sample();
    this.note(f.assumption);
    return f.assume;
  }

  fromReads<T>(_compute: () => T, placeholder: T): T {
    return placeholder;
  }

  /**
   * A read identical to the entry just before it (say "is orderer.org3 up", asked by a
   * poll and again by the status it reads) is left out: it would print the same line
   * twice and tell nothing new. A real run's transcript keeps every call.
   */
  protected override record(e: PlanEntry, read: boolean): void {
    const prev = this.plan.entries[this.plan.entries.length - 1];
    if (read && prev !== undefined && JSON.stringify(prev) === JSON.stringify(e)) return;
    this.plan.add(e);
  }
}
