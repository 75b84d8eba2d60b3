/**
 * A node's durable store: what survives a crash (SmartBFT WAL, block files, CouchDB
 * files). Only `persist` effects and explicit faults (a dropped database, a lost disk)
 * change it. Stored values are shared, not copied: a node must treat what it persisted
 * as immutable.
 */
import type { DurableOp, DurableView } from './types.ts';

export class DurableStore implements DurableView {
  private readonly data = new Map<string, unknown>();

  get<T = unknown>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** A copy of the list at `key` (empty when absent), safe for the caller to keep. */
  list<T = unknown>(key: string): readonly T[] {
    const v = this.data.get(key);
    return Array.isArray(v) ? (v.slice() as T[]) : [];
  }

  /** Length of the list at `key` without copying it. */
  listLength(key: string): number {
    const v = this.data.get(key);
    return Array.isArray(v) ? v.length : 0;
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  /** Keys in sorted order (deterministic, whatever the insertion history). */
  keys(): string[] {
    return [...this.data.keys()].sort();
  }

  apply(op: DurableOp): void {
    switch (op.op) {
      case 'set':
        this.data.set(op.key, op.value);
        return;
      case 'append': {
        const v = this.data.get(op.key);
        if (v === undefined) this.data.set(op.key, [op.value]);
        else if (Array.isArray(v)) v.push(op.value);
        else throw new TypeError(`durable append: key "${op.key}" holds a value, not a list`);
        return;
      }
      case 'truncate': {
        const v = this.data.get(op.key);
        if (Array.isArray(v) && v.length > op.length) v.length = Math.max(0, op.length);
        return;
      }
      case 'delete':
        this.data.delete(op.key);
        return;
    }
  }

  /** Delete every key that starts with `prefix` (an explicit fault: a dropped database). */
  deletePrefix(prefix: string): number {
    let n = 0;
    for (const k of this.keys()) {
      if (k.startsWith(prefix)) {
        this.data.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Lose everything (disk loss). */
  clear(): void {
    this.data.clear();
  }
}
