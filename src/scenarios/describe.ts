/** One-line descriptions of steps and values, for tables, progress and budget reports. */
import { operation } from './operations.ts';
import { argOf, opOf, type Step } from './schema.ts';

/** `stop orderer.dataforge`, `issue RESIL-BFT-1 via techpulse`, `waitFor caughtUp peer0.techpulse (60s)`: the step's `name`, else its operation's `describe` (operations.ts). */
export function describeStep(step: Step): string {
  if (step.name !== undefined) return step.name;
  const op = opOf(step);
  return operation(op).describe(argOf(step, op), op);
}

/** A short rendering of a step's value: `ok, block 5`, `height 7`, `VALID`, `12`. */
export function describeValueShort(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  const parts: string[] = [];
  if ('status' in v) parts.push(String(v['status']));
  if ('ok' in v) parts.push(v['ok'] === true ? 'ok' : 'failed');
  if (typeof v['block'] === 'number') parts.push(`block ${v['block']}`);
  if (typeof v['height'] === 'number') parts.push(`height ${v['height']}`);
  if ('role' in v) parts.push(`${String(v['role'])}, view ${String(v['view'])}, leader ${String(v['leader'])}, block ${String(v['lastBlock'])}`);
  if (typeof v['error'] === 'string' && v['error'] !== '') parts.push(v['error']);
  return parts.length > 0 ? parts.join(', ') : JSON.stringify(value);
}
