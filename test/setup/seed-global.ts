/**
 * The one place property tests take their seed from: `TEST_SEED` when set, else a fixed
 * seed, so `npm test` is the same run every time and a failure replays with
 * `TEST_SEED=<seed> npm test`. CI's soak step explores other seeds on purpose.
 * Printed once per run; fast-check prints it again (with the path) on a failure.
 */
export const DEFAULT_TEST_SEED = 20261202;

export default function setup(): void {
  const raw = process.env['TEST_SEED'];
  if (raw !== undefined && !/^\d+$/.test(raw)) throw new Error(`TEST_SEED must be a whole number, got "${raw}"`);
  process.env['TEST_SEED'] = raw ?? String(DEFAULT_TEST_SEED);
  console.log(`property tests: seed ${process.env['TEST_SEED']} (replay with TEST_SEED=${process.env['TEST_SEED']} npm test)`);
}
