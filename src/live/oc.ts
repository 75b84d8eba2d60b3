/**
 * Runs `oc` as a child process: an argument array (never a shell string), a timeout, a
 * configurable path, optional stdin (how secrets reach commands inside pods without ever
 * being on a command line). Exit codes and stderr become one clear, masked sentence:
 * "oc: not logged in", "deployment peer0 not found in certchain-techpulse",
 * "oc: not found at /usr/bin/oc", "oc timed out after 30s".
 */
import { spawn } from 'node:child_process';
import { formatDuration } from '../scenarios/duration.ts';
import type { Masker } from './secrets.ts';

export interface OcCall {
  readonly args: readonly string[];
  /** Written to the child's stdin, then closed (secrets go here, never in args). */
  readonly stdin?: string;
  readonly timeoutMs?: number;
}

export interface OcOutput {
  readonly stdout: string;
  readonly stderr: string;
}

export class OcError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-found' | 'not-executable' | 'timeout' | 'not-logged-in' | 'unreachable' | 'missing' | 'forbidden' | 'failed' | 'aborted',
  ) {
    super(message);
    this.name = 'OcError';
  }
}

/** Shell-quote one word for display (so a printed plan can be pasted into a terminal). */
export function shellQuote(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./\-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(path: string, args: readonly string[]): string {
  return [path, ...args].map(shellQuote).join(' ');
}


function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/** Turn oc's stderr into one sentence naming the object and the namespace. */
export function classifyOcFailure(args: readonly string[], code: number | null, stderr: string): OcError {
  const ns = flag(args, '-n') ?? flag(args, '--namespace') ?? 'the current project';
  const text = stderr.trim();
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  if (/must be logged in|Unauthorized|token has expired|no configuration has been provided/i.test(text)) {
    return new OcError('oc: not logged in (run `oc login` first, or check that the session has not expired)', 'not-logged-in');
  }
  const nf = /NotFound\)?:? ([a-z.]+) "([^"]+)" not found/i.exec(text) ?? /([a-z.]+) "([^"]+)" not found/i.exec(text);
  if (nf) {
    const kind = (nf[1] ?? '').split('.')[0] ?? '';
    const name = nf[2] ?? '';
    const what = kind === 'deployments' ? 'deployment' : kind === 'namespaces' ? 'namespace' : kind === 'applications' ? 'Argo CD application' : kind === 'pods' ? 'pod' : kind.replace(/s$/, '');
    return new OcError(what === 'namespace' ? `namespace ${name} not found` : `${what} ${name} not found in ${ns}`, 'missing');
  }
  if (/Unable to connect to the server|dial tcp|no such host|connection refused|i\/o timeout/i.test(text)) {
    return new OcError(`oc: cannot reach the cluster (${first})`, 'unreachable');
  }
  if (/Forbidden|forbidden/.test(text)) return new OcError(`oc: forbidden: ${first}`, 'forbidden');
  const verb = args.slice(0, 2).join(' ');
  return new OcError(`oc ${verb} failed (exit ${code ?? 'signal'}) in ${ns}: ${first === '' ? 'no error output' : first}`, 'failed');
}

/**
 * Most output one `oc` call may print (stdout and stderr together). The kubelet rotates a
 * container's log at 10 MiB by default and `oc logs` reads the current file, so this is
 * far above any real answer; an `oc.path` that prints without end is stopped here.
 */
export const MAX_OC_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface OcRunnerOptions {
  readonly path: string;
  readonly timeoutMs: number;
  readonly masker: Masker;
  readonly env?: NodeJS.ProcessEnv;
  /** Default MAX_OC_OUTPUT_BYTES. */
  readonly maxOutputBytes?: number;
}

export class OcRunner {
  private readonly live = new Set<AbortController>();

  constructor(private readonly opts: OcRunnerOptions) {}

  get path(): string {
    return this.opts.path;
  }

  /** Run oc; resolves with its output on exit 0, rejects with an OcError otherwise. */
  run(call: OcCall, signal?: AbortSignal): Promise<OcOutput> {
    const { path, masker } = this.opts;
    const timeoutMs = call.timeoutMs ?? this.opts.timeoutMs;
    return new Promise<OcOutput>((resolveP, rejectP) => {
      const ac = new AbortController();
      this.live.add(ac);
      let settled = false;
      const finish = (err: Error | null, out?: OcOutput): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.live.delete(ac);
        signal?.removeEventListener('abort', onAbort);
        if (err) rejectP(err);
        else resolveP(out!);
      };
      const onAbort = (): void => {
        ac.abort();
        finish(new OcError(`oc ${call.args.slice(0, 2).join(' ')}: aborted`, 'aborted'));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort);
      const child = spawn(path, [...call.args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: this.opts.env ?? process.env,
        signal: ac.signal,
        killSignal: 'SIGKILL',
      });
      const timer = setTimeout(() => {
        ac.abort();
        finish(new OcError(`oc timed out after ${formatDuration(timeoutMs)}: ${masker.mask(formatCommand('oc', call.args))}`, 'timeout'));
      }, timeoutMs);
      const maxBytes = this.opts.maxOutputBytes ?? MAX_OC_OUTPUT_BYTES;
      let size = 0;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const collect = (into: Buffer[]) => (d: Buffer): void => {
        size += d.length;
        if (size > maxBytes) {
          ac.abort();
          finish(new OcError(masker.mask(`oc ${call.args.slice(0, 2).join(' ')} printed more than ${maxBytes} bytes: stopped it (${formatCommand(path, call.args)})`), 'failed'));
        } else into.push(d);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.stdin.on('error', () => undefined);
      child.stdin.end(call.stdin ?? '');
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError') return;
        if (e.code === 'ENOENT') finish(new OcError(`oc: not found at ${path} (install the OpenShift CLI or set oc.path in the config)`, 'not-found'));
        else if (e.code === 'EACCES') finish(new OcError(`oc: ${path} is not executable`, 'not-executable'));
        else finish(new OcError(masker.mask(`oc: cannot start ${path}: ${e.message}`), 'failed'));
      });
      child.on('close', (code) => {
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (code === 0) finish(null, { stdout, stderr });
        else {
          const e = classifyOcFailure(call.args, code, stderr);
          finish(new OcError(masker.mask(e.message), e.reason));
        }
      });
    });
  }

  /** Kill every oc still running (Ctrl-C). */
  killAll(): void {
    for (const ac of this.live) ac.abort();
  }
}
