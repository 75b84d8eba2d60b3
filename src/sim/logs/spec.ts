/**
 * A node's logging spec, `FABRIC_LOGGING_SPEC` (or `CORE_LOGGING_LEVEL` of old), with
 * flogging's semantics (fabric-lib-go common/flogging/loggerlevels.go `ActivateSpec`,
 * `calculateLevel`; levels.go `nameToLevel`):
 *
 *   [<logger>[,<logger>...]=]<level>[:[<logger>[,<logger>...]=]<level>...]
 *
 * A bare level is the default (`info` when none is given). `module=level` sets a logger and
 * every logger below it (`orderer.consensus.smartbft=info` covers
 * `orderer.consensus.smartbft.consensus`); a name ending in `.` sets that logger alone. A
 * line is printed when its level is at or above its logger's level; a line not printed
 * takes no number of the log sequence (the `%{id}` counter counts encoded entries).
 */
import type { Level } from '../../shared/log-format.ts';

/** zapcore's order, with flogging's PAYLOAD below DEBUG. */
const RANK: Readonly<Record<Level, number>> = { DEBU: -1, INFO: 0, WARN: 1, ERRO: 2, PANI: 4, FATA: 5 };

/** `nameToLevel` (levels.go): the names a spec may use, and their rank. */
const NAMES: Readonly<Record<string, number>> = {
  PAYLOAD: -2,
  payload: -2,
  DEBUG: -1,
  debug: -1,
  INFO: 0,
  info: 0,
  WARNING: 1,
  WARN: 1,
  warning: 1,
  warn: 1,
  ERROR: 2,
  error: 2,
  DPANIC: 3,
  dpanic: 3,
  PANIC: 4,
  panic: 4,
  FATAL: 5,
  fatal: 5,
};

/** `loggerNameRegexp` (loggerlevels.go). */
const LOGGER_NAME = /^[A-Za-z0-9_#:-]+(\.[A-Za-z0-9_#:-]+)*$/;

export const DEFAULT_LOG_SPEC = 'info';

export class LogSpec {
  private readonly defaultRank: number;
  /** Logger name (a trailing `.`: that logger only) to rank. */
  private readonly specs = new Map<string, number>();
  private readonly cache = new Map<string, number>();

  /** Parse a spec; throws flogging's error text for a bad one. */
  constructor(readonly spec: string = DEFAULT_LOG_SPEC) {
    let def = NAMES['info'] as number;
    for (const field of spec.split(':')) {
      const split = field.split('=');
      if (split.length === 1) {
        if (field !== '') {
          const r = NAMES[field];
          if (r === undefined) throw new Error(`invalid logging specification '${spec}': bad segment '${field}'`);
          def = r;
        }
      } else if (split.length === 2) {
        const [loggers = '', level = ''] = split;
        if (loggers === '') throw new Error(`invalid logging specification '${spec}': no logger specified in segment '${field}'`);
        const r = NAMES[level];
        if (r === undefined) throw new Error(`invalid logging specification '${spec}': bad segment '${field}'`);
        for (const logger of loggers.split(',')) {
          if (!LOGGER_NAME.test(logger.endsWith('.') ? logger.slice(0, -1) : logger)) throw new Error(`invalid logging specification '${spec}': bad logger name '${logger}'`);
          this.specs.set(logger, r);
        }
      } else {
        throw new Error(`invalid logging specification '${spec}': bad segment '${field}'`);
      }
    }
    this.defaultRank = def;
  }

  /** `calculateLevel`: the exact name with a trailing `.`, then the name and each parent, else the default. */
  private rank(logger: string): number {
    const hit = this.cache.get(logger);
    if (hit !== undefined) return hit;
    let candidate = `${logger}.`;
    let r: number | undefined;
    for (;;) {
      r = this.specs.get(candidate);
      if (r !== undefined) break;
      const idx = candidate.lastIndexOf('.');
      if (idx <= 0) {
        r = this.defaultRank;
        break;
      }
      candidate = candidate.slice(0, idx);
    }
    this.cache.set(logger, r);
    return r;
  }

  /** Whether a line of `level` from `logger` is printed. */
  enabled(logger: string, level: Level): boolean {
    return RANK[level] >= this.rank(logger);
  }
}
