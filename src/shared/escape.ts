/**
 * Control characters a scenario file, a log line or a server answer may carry, shown
 * rather than obeyed: ESC (terminal colours, clears, window titles) and the rest of C0
 * but newline and tab (a carriage return could hide what came before it), DEL and C1 become `\u001b`-style
 * escapes, which read plainly on a terminal and stay valid inside a JSON string.
 * A leaf module so that `fabric-bft-sim --help` escapes its output without loading the
 * scenario schema (zod) that src/scenarios/describe.ts brings.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
