/** One-line descriptions of steps and values, for tables, progress and budget reports. */
import { argOf, opOf, type Step } from './schema.ts';

/** `stop orderer.dataforge`, `issue RESIL-BFT-1 via techpulse`, `waitFor caughtUp peer0.techpulse (60s)`. */
export function describeStep(step: Step): string {
  if (step.name !== undefined) return step.name;
  const op = opOf(step);
  switch (op) {
    case 'issue':
    case 'verify':
    case 'revoke': {
      const a = argOf(step, op);
      return `${op} ${a.certID} via ${a.via}`;
    }
    case 'stop':
    case 'start':
    case 'stopZone':
    case 'startZone':
    case 'honest':
      return `${op} ${argOf(step, op)}`;
    case 'channelInfo':
    case 'docCount':
    case 'dropStateDatabase':
    case 'rebuildDbs':
    case 'reset':
      return `${op} ${argOf(step, op).peer}`;
    case 'rollback': {
      const a = argOf(step, op);
      return `rollback ${a.peer} to block ${a.block}`;
    }
    case 'ordererStatus':
      return `ordererStatus ${argOf(step, op).orderer}`;
    case 'waitFor': {
      const a = argOf(step, op);
      const within = a.within === undefined ? '' : ` within ${a.within}`;
      return a.log !== undefined ? `waitFor ${a.log.node} log /${a.log.match}/${a.log.absent === true ? ' absent' : ''}${within}` : `waitFor ${a.caughtUp ?? '?'} caught up${within}`;
    }
    case 'sleep':
      return `sleep ${argOf(step, op)}`;
    case 'partition':
      return `partition ${argOf(step, op)
        .map((g) => `[${g.join(' ')}]`)
        .join(' | ')}`;
    case 'cut': {
      const a = argOf(step, op);
      return `cut ${a.from} -> ${a.to}`;
    }
    case 'dropMessages': {
      const a = argOf(step, op);
      return `drop ${a.types.join(', ')} ${a.from} -> ${a.to ?? 'orderers'}`;
    }
    case 'byzantine': {
      const a = argOf(step, op);
      return `byzantine ${a.node} ${a.behaviour}`;
    }
    case 'load': {
      const a = argOf(step, op);
      return `load ${a.count} certificates via ${a.via} every ${a.every}`;
    }
    case 'pauseAutoHeal':
    case 'resumeAutoHeal':
    case 'heal':
      return op;
  }
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


/**
 * Control characters a scenario file, a log line or a server answer may carry, shown
 * rather than obeyed: ESC (terminal colours, clears, window titles) and the rest of C0
 * but newline and tab (a carriage return could hide what came before it), DEL and C1 become `\u001b`-style
 * escapes, which read plainly on a terminal and stay valid inside a JSON string.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
