/**
 * Background loads' tallies, for the targets that issue them one request at a time in
 * wall time (live, local): `begin` a load, record each request as it is `sent` and each
 * answer as it is `answered`, read `tally` at any moment.
 */
import { countLoadError, type IssueResult, type LoadTally } from './cluster.ts';

interface Counts {
  readonly count: number;
  issued: number;
  committed: number;
  failed: number;
  readonly errors: Record<string, number>;
}

export class LoadTallies {
  private readonly loads: Counts[] = [];

  /** A new load of `count` certificates; returns its id. */
  begin(count: number): number {
    this.loads.push({ count, issued: 0, committed: 0, failed: 0, errors: {} });
    return this.loads.length - 1;
  }

  sent(load: number): void {
    this.get(load).issued++;
  }

  answered(load: number, result: IssueResult): void {
    const t = this.get(load);
    if (result.ok) t.committed++;
    else {
      t.failed++;
      countLoadError(t.errors, result.error ?? 'failed');
    }
  }

  tally(load: number): LoadTally {
    const t = this.get(load);
    return { count: t.count, issued: t.issued, committed: t.committed, failed: t.failed, pending: t.issued - t.committed - t.failed, errors: { ...t.errors } };
  }

  private get(load: number): Counts {
    const t = this.loads[load];
    if (t === undefined) throw new Error(`no background load ${load}`);
    return t;
  }
}

/** Issue through `issue`, counting into `tallies`; a thrown error is an answer with that error. */
export async function issueCounted(tallies: LoadTallies, load: number, issue: () => Promise<IssueResult>): Promise<void> {
  tallies.sent(load);
  const r = await issue().catch((e: unknown): IssueResult => ({ ok: false, error: e instanceof Error ? e.message : String(e) }));
  tallies.answered(load, r);
}
