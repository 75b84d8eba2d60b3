/**
 * The votes of one sequence by sender (view.go's `prepares` and `commits` vote sets, and the
 * ones held for the next sequence): a slot per consenter, found by its place among the
 * sorted consenter ids, and the senders in the order their votes arrived (which the View
 * reads them in). A View fills four of these per sequence; at n=64 each held 63 votes, and
 * as Maps each was allocated anew and grew (and rehashed) five times per sequence per node.
 * Two tables swap at each decision and are cleared for reuse instead.
 */

/** A consenter id's place among the sorted consenter ids (-1 for any other id). */
export class NodeIndex {
  /** Place + 1 by id, when the ids are small; else `map`. */
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;
  constructor(readonly ids: readonly number[]) {
    let max = 0;
    for (const id of ids) max = Math.max(max, id);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: which of two equivalent look-ups (a size choice)
    if (max <= 4 * ids.length + 64) {
      const t = new Int32Array(max + 1);
      ids.forEach((id, i) => (t[id] = i + 1));
      this.table = t;
      this.map = undefined;
    } else {
      this.table = undefined;
      this.map = new Map(ids.map((id, i) => [id, i]));
    }
  }

  of(id: number): number {
    const t = this.table;
    if (t !== undefined) return Number.isInteger(id) && id >= 0 && id < t.length ? (t[id] as number) - 1 : -1;
    return (this.map as Map<number, number>).get(id) ?? -1;
  }
}

export class Votes<T> {
  private readonly bySlot: (T | undefined)[];
  /** Votes from ids that are not consenters (none in a run; kept as a Map so nothing is lost). */
  private others: Map<number, T> | undefined = undefined;
  /** The senders, in the order their votes arrived. */
  readonly senders: number[] = [];

  constructor(private readonly index: NodeIndex) {
    this.bySlot = new Array<T | undefined>(index.ids.length).fill(undefined);
  }

  get size(): number {
    return this.senders.length;
  }

  has(sender: number): boolean {
    return this.get(sender) !== undefined;
  }

  get(sender: number): T | undefined {
    const p = this.index.of(sender);
    return p >= 0 ? this.bySlot[p] : this.others?.get(sender);
  }

  /** Record `sender`'s vote (`vote` is never undefined); a sender votes once: the caller checks `has` first. */
  set(sender: number, vote: T): void {
    const p = this.index.of(sender);
    if (p >= 0) {
      if (this.bySlot[p] === undefined) this.senders.push(sender);
      this.bySlot[p] = vote;
      return;
    }
    this.others ??= new Map();
    if (!this.others.has(sender)) this.senders.push(sender);
    this.others.set(sender, vote);
  }

  /** Forget every vote. */
  clear(): void {
    const senders = this.senders;
    for (let i = 0; i < senders.length; i++) {
      const p = this.index.of(senders[i] as number);
      if (p >= 0) this.bySlot[p] = undefined;
    }
    senders.length = 0;
    this.others = undefined;
  }
}
