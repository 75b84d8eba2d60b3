/**
 * One vocabulary for logs on both sides. Nodes emit typed log events
 * (`{ type: 'log', kind, args }`); a catalog maps each kind to Fabric's module, Go
 * function, level and verbatim format string; the renderer prints Fabric's line shape
 * (flogging's default format, v2.4+ and 3.x) and the parser reads real lines back into
 * the same kinds and arguments.
 *
 * A leaf module: every model's catalog (SmartBFT's, Raft's, Fabric's) is written in it and
 * src/sim/logs/catalog.ts gathers them, so it sits below them all (in src/sim/logs it put
 * the protocols and the Fabric model on a folder cycle with the catalog).
 *
 *   2026-03-14 10:00:05.131 UTC 0a4c INFO [orderer.consensus.smartbft.consensus] startView -> Starting view with number 1, sequence 8, and decisions 0 channel=certchannel
 */

export type Level = 'DEBU' | 'INFO' | 'WARN' | 'ERRO' | 'PANI' | 'FATA';

/** One known log line: where Fabric prints it and its verbatim Go format string. */
export interface LogFormat {
  /** Stable name, e.g. `smartbft.startView`. */
  readonly kind: string;
  readonly module: string;
  /** Fabric's `shortfunc`, e.g. `startView`. */
  readonly func: string;
  readonly level: Level;
  /** Go format string with `%d %s %v %x %q %%`. */
  readonly format: string;
  /**
   * Where the line comes from: `<file>:<line> <log call>`, the file in hyperledger/fabric
   * v3.1.5 (from the repository root) or, prefixed `SmartBFT `, in hyperledger-labs/SmartBFT
   * v1.0.1; the call's method gives the level (`Infof` INFO, `Debugf` DEBU, `Warningf` WARN, ...).
   * Every catalog entry has one (test/sim/logs/vocabulary.test.ts).
   */
  readonly source?: string;
}

export type LogArg = string | number;

/** What a node emits for a log line. `fields` are appended in logfmt (`channel=certchannel`). */
export interface LogEvent {
  readonly type: 'log';
  readonly kind: string;
  readonly args: readonly LogArg[];
  readonly fields?: Readonly<Record<string, string>>;
}

/** Go-style formatting of the verbs our catalogs use. */
export function sprintf(format: string, args: readonly LogArg[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*)([dsvxq%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (a === undefined) return `%!${verb}(MISSING)`;
    switch (verb) {
      case 'd':
        return typeof a === 'number' ? String(Math.trunc(a)) : String(a);
      case 'x':
        return typeof a === 'number' ? a.toString(16) : a;
      case 'q':
        return JSON.stringify(String(a));
      default:
        return String(a);
    }
  });
}

/** Hex id of Fabric's process-wide log sequence counter: at least 4 digits. */
export function logId(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** `2006-01-02 15:04:05.000 UTC` for a simulated time, counted from `epochMs` (a UTC instant). */
export function logTime(atMs: number, epochMs: number): string {
  const d = new Date(epochMs + Math.floor(atMs));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} UTC`;
}

/** The lab's date: simulated time 0 is 2026-03-14 10:00:00.000 UTC unless a run says otherwise. */
export const DEFAULT_EPOCH_MS = Date.UTC(2026, 2, 14, 10, 0, 0, 0);

export function renderFields(fields: Readonly<Record<string, string>> | undefined): string {
  if (fields === undefined) return '';
  let out = '';
  for (const k of Object.keys(fields).sort()) out += ` ${k}=${fields[k] ?? ''}`;
  return out;
}

/** A full Fabric log line (without colour codes). */
export function renderLine(fmt: LogFormat, ev: LogEvent, atMs: number, seq: number, epochMs = DEFAULT_EPOCH_MS): string {
  return `${logTime(atMs, epochMs)} ${logId(seq)} ${fmt.level} [${fmt.module}] ${fmt.func} -> ${sprintf(fmt.format, ev.args)}${renderFields(ev.fields)}`;
}

/** A parsed line. `kind`/`args` are set when the message matched a catalog format. */
export interface ParsedLine {
  readonly time: string;
  /** Milliseconds since the Unix epoch (UTC). */
  readonly timeMs: number;
  readonly id: string;
  readonly level: string;
  readonly module: string;
  readonly func: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly kind?: string;
  readonly args?: readonly LogArg[];
}

const ANSI = /\x1b\[[0-9;]*m/g;
/** v2.4+ / 3.x: `time id LEVEL [module] func -> message`. */
const LINE_NEW = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+) ([0-9a-f]{3,}) (DEBU|INFO|WARN|ERRO|PANI|FATA) \[([^\]]+)\] (\S+) -> (.*)$/;
/** v2.3 and older: `time [module] func -> LEVEL id message`. */
const LINE_OLD = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+) \[([^\]]+)\] (\S+) -> (DEBU|INFO|WARN|ERRO|PANI|FATA) ([0-9a-f]{3,}) (.*)$/;
/** logfmt keys as zap writes them (`channel`, `orderer-address`, `txID`). */
const TRAILING_FIELDS = /((?: [A-Za-z_][\w.-]*=[^\s=]*)+)$/;

interface CompiledFormat {
  readonly fmt: LogFormat;
  readonly re: RegExp;
  readonly numeric: readonly boolean[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(fmt: LogFormat): CompiledFormat {
  const numeric: boolean[] = [];
  let re = '^';
  let last = 0;
  const verbs = /%([-+# 0]*\d*)([dsvxq%])/g;
  for (let m = verbs.exec(fmt.format); m !== null; m = verbs.exec(fmt.format)) {
    re += escapeRe(fmt.format.slice(last, m.index));
    const verb = m[2];
    if (verb === '%') re += '%';
    else if (verb === 'd') {
      re += '(-?\\d+)';
      numeric.push(true);
    } else {
      re += '(.*?)';
      numeric.push(false);
    }
    last = m.index + m[0].length;
  }
  re += escapeRe(fmt.format.slice(last)) + '$';
  return { fmt, re: new RegExp(re), numeric };
}

/** A parser for real and rendered Fabric lines, knowing the given catalog. */
export class LogParser {
  private readonly compiled: CompiledFormat[];

  constructor(catalog: readonly LogFormat[]) {
    this.compiled = catalog.map(compile);
  }

  parse(raw: string): ParsedLine | undefined {
    const line = raw.replace(ANSI, '').replace(/\r$/, '');
    let time: string, zone: string, id: string, level: string, module: string, func: string, rest: string;
    const a = LINE_NEW.exec(line);
    if (a) {
      [, time = '', zone = '', id = '', level = '', module = '', func = '', rest = ''] = a;
    } else {
      const b = LINE_OLD.exec(line);
      if (!b) return undefined;
      [, time = '', zone = '', module = '', func = '', level = '', id = '', rest = ''] = b;
    }
    const fields: Record<string, string> = {};
    let message = rest;
    const f = TRAILING_FIELDS.exec(rest);
    const pairs = f && f[1] ? f[1].trim().split(' ') : [];
    if (pairs.length > 0) {
      message = rest.slice(0, rest.length - (f?.[1]?.length ?? 0));
      for (const kv of pairs) {
        const eq = kv.indexOf('=');
        fields[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
    }
    const timeMs = zone === 'UTC' ? Date.parse(time.replace(' ', 'T') + 'Z') : Date.parse(`${time} ${zone}`);
    const common = { time: `${time} ${zone}`, timeMs, id, level, module, func };
    // A message may itself end in `key=value` text (e.g. `commitHash=[...]`, `block height=5`):
    // when the stripped message matches no format, give the message back the fields one at a
    // time from the left (the rest stay fields) before giving up.
    for (let keep = 0; keep <= pairs.length; keep++) {
      const tail = pairs.slice(keep);
      const text = keep === 0 ? message : `${message} ${pairs.slice(0, keep).join(' ')}`;
      const flds: Record<string, string> = {};
      for (const kv of tail) {
        const eq = kv.indexOf('=');
        flds[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      const hit = this.match(module, func, text);
      if (hit) return { ...common, message: text, fields: flds, ...hit };
    }
    return { ...common, message, fields };
  }

  /** The catalog format of this module matching the message; one printed by the line's own function first (several functions print "Nothing to restore"). */
  private match(module: string, func: string, message: string): { kind: string; args: LogArg[] } | undefined {
    let first: { kind: string; args: LogArg[] } | undefined;
    for (const c of this.compiled) {
      if (c.fmt.module !== module) continue;
      const m = c.re.exec(message);
      if (!m) continue;
      const hit = { kind: c.fmt.kind, args: c.numeric.map((isNum, i) => (isNum ? Number(m[i + 1]) : (m[i + 1] ?? ''))) };
      if (c.fmt.func === func) return hit;
      first ??= hit;
    }
    return first;
  }
}
