/**
 * Beyond the lab: every orderer restarted in turn (as a rolling upgrade does) while
 * certificates keep being issued. Each restarted orderer catches up before the next goes.
 */
import type { Step } from '../schema.ts';
import { defineBuiltin } from './builtin.ts';

export const rollingRestart = defineBuiltin({
  name: 'rolling-restart',
  description: 'Restart every orderer in turn under background issuance; each catches up, issuance keeps working',
  lab: false,
  minOrderers: 3,
  minOrderersWhy: 'one orderer down must leave a quorum',
  summary: (s) => `Rolling restart of ${s.n} orderers under load.`,
  steps: (s) => {
    const perOrdererMs = 40_000;
    const count = Math.ceil((s.n * perOrdererMs) / 2000);
    return [
      { name: `background issuance: ${count} certificates, one every 2s`, load: { via: 'techpulse', count, every: '2s' } },
      ...s.orderers.flatMap((o): Step[] => [
        { name: `stop ${o}`, stop: o },
        { sleep: '10s' },
        { name: `start ${o}`, start: o },
        { name: `${o} catches up`, waitFor: { caughtUp: o, within: '2m' } },
      ]),
      { name: 'issuance works after the last restart', issue: { via: 'dataforge', certID: 'RR-1' }, expect: { ok: true } },
      { name: 'let the background issuance finish', sleep: `${Math.ceil((count * 2000) / 1000)}s` },
      ...['peer0.techpulse', 'peer0.dataforge', 'peer0.org3'].map((p): Step => ({ name: `${p} converges`, waitFor: { caughtUp: p, within: '1m' } })),
      { verify: { via: 'org3', certID: 'RR-1' }, expect: { status: 'VALID' } },
    ];
  },
});
