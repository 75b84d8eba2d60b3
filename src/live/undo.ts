/**
 * Undo stack for disruptive steps. A step registers how to put the cluster back BEFORE it
 * acts (scale the deployment back up, restore the Argo CD sync policy it read); when the
 * scenario itself restores the node, the undo is discharged. On failure, timeout or
 * Ctrl-C the pending undos run in reverse order, each one even if an earlier one failed,
 * and the report says which ran and whether each succeeded.
 */

export interface UndoReport {
  readonly label: string;
  /** `discharged`: the scenario restored it itself; `ran`: the undo was run (see ok). */
  readonly state: 'pending' | 'discharged' | 'ran';
  readonly ok?: boolean;
  readonly error?: string;
}

export interface UndoHandle {
  /** The step that this undoes was reverted by the scenario: nothing left to do. */
  discharge(): void;
  readonly pending: boolean;
}

interface Entry {
  readonly label: string;
  readonly run: () => Promise<void>;
  state: UndoReport['state'];
  ok?: boolean;
  error?: string;
}

export class UndoStack {
  private readonly entries: Entry[] = [];
  private running: Promise<UndoReport[]> | undefined;

  constructor(private readonly mask: (s: string) => string) {}

  register(label: string, run: () => Promise<void>): UndoHandle {
    const e: Entry = { label, run, state: 'pending' };
    this.entries.push(e);
    return {
      discharge: () => {
        if (e.state === 'pending') e.state = 'discharged';
      },
      get pending() {
        return e.state === 'pending';
      },
    };
  }

  get pendingCount(): number {
    return this.entries.filter((e) => e.state === 'pending').length;
  }

  /** Run every pending undo, newest first. Safe to call twice (the second call waits for the first). */
  runAll(): Promise<UndoReport[]> {
    this.running ??= (async () => {
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const e = this.entries[i]!;
        if (e.state !== 'pending') continue;
        e.state = 'ran';
        try {
          await e.run();
          e.ok = true;
        } catch (err) {
          e.ok = false;
          e.error = this.mask(err instanceof Error ? err.message : String(err));
        }
      }
      const r = this.report();
      this.running = undefined;
      return r;
    })();
    return this.running;
  }

  report(): UndoReport[] {
    return this.entries.map((e) => ({
      label: e.label,
      state: e.state,
      ...(e.ok !== undefined ? { ok: e.ok } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
    }));
  }
}
