/**
 * Every log line the model knows, by kind: SmartBFT's and Fabric's catalogs. The simulator
 * renders its nodes' log events with it and the live adapter parses `oc logs` with it, so
 * both sides speak one vocabulary.
 */
import { FABRIC_LOGS } from '../fabric/logs.ts';
import { SMARTBFT_LOGS } from '../smartbft/logs.ts';
import type { LogFormat } from '../../shared/log-format.ts';

export const LOG_CATALOG: readonly LogFormat[] = [...SMARTBFT_LOGS, ...FABRIC_LOGS];

/** The catalog by kind. */
export const LOG_FORMATS: ReadonlyMap<string, LogFormat> = new Map(LOG_CATALOG.map((f) => [f.kind, f]));
