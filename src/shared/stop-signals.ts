/**
 * The signals that end a command that started something (a live run, a local network, a
 * calibration): Ctrl-C, `kill`, and the terminal closing. While a handler is registered
 * they do not kill the process: the command stops what it started, then exits with
 * 128 + the signal's number (130, 143, 129), as a shell reports a process a signal ended.
 * One place, so every such command handles the same signals the same way.
 */
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function exitCodeOf(sig: StopSignal): number {
  return 128 + constants.signals[sig];
}

/** Calls `onStop` with each stop signal received until the returned function is called. */
export function onStopSignals(onStop: (sig: StopSignal) => void): () => void {
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = (): void => onStop(sig);
    process.on(sig, handler);
    return { sig, handler };
  });
  return () => {
    for (const { sig, handler } of handlers) process.off(sig, handler);
  };
}
