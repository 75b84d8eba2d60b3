/**
 * The record of what the live adapter does, in order: every `oc` command (as it would be
 * typed), every HTTP request (method, URL, headers, body) and the polls and waits between
 * them, with secrets masked. In a dry run this record IS the output, and nothing runs;
 * in a real run it is the transcript.
 */

export type PlanEntry =
  | { readonly kind: 'oc'; readonly command: string; readonly stdin?: string; readonly why: string }
  | { readonly kind: 'http'; readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body?: string; readonly why: string }
  | { readonly kind: 'note'; readonly text: string };

export class Plan {
  readonly entries: PlanEntry[] = [];

  add(e: PlanEntry): void {
    this.entries.push(e);
  }

  note(text: string): void {
    this.add({ kind: 'note', text });
  }

  /** Format the plan for a terminal: numbered commands and requests, notes indented. */
  format(): string {
    const lines: string[] = [];
    let n = 0;
    for (const e of this.entries) {
      if (e.kind === 'note') {
        lines.push(`   # ${e.text}`);
        continue;
      }
      n++;
      if (e.kind === 'oc') {
        lines.push(`${String(n).padStart(3)}. ${e.command}${e.stdin !== undefined ? `   <<< stdin: ${e.stdin.trim()}` : ''}   # ${e.why}`);
      } else {
        const hdrs = Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`);
        lines.push(`${String(n).padStart(3)}. ${e.method} ${e.url}   # ${e.why}`);
        for (const h of hdrs) lines.push(`       ${h}`);
        if (e.body !== undefined) lines.push(`       body: ${e.body}`);
      }
    }
    return lines.join('\n');
  }
}
