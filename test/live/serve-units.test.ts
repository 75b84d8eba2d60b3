import { describe, expect, test } from 'vitest';
import { mergePatch } from '../../src/live/serve/oc-emulator.ts';
import { TokenSigner } from '../../src/live/serve/tokens.ts';
import { UndoStack } from '../../src/live/undo.ts';

describe('stand-in tokens', () => {
  const claims = { iss: 'http://127.0.0.1/realms/techpulse', sub: 'admin@techpulse.demo', preferred_username: 'admin@techpulse.demo', azp: 'course-manager-ui', org: 'techpulse' };

  test('a token verifies with its own signer only, and carries the org', () => {
    const a = new TokenSigner();
    const t = a.sign(claims);
    expect(a.verify(t)).toMatchObject({ org: 'techpulse' });
    expect(new TokenSigner().verify(t)).toEqual({ error: 'invalid token signature' });
  });

  test('tampered, malformed and expired tokens are refused', () => {
    const s = new TokenSigner(60);
    const [h, , sig] = s.sign(claims).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, org: 'dataforge', exp: 9e9 })).toString('base64url')}.${sig}`;
    expect(s.verify(forged)).toEqual({ error: 'invalid token signature' });
    expect(s.verify('not-a-jwt')).toEqual({ error: 'malformed token' });
    expect(s.verify(s.sign(claims, 0), 61_000)).toEqual({ error: 'token expired' });
  });
});

describe('Argo CD merge patch (RFC 7386)', () => {
  test('pausing removes automated; restoring the read policy puts it back exactly', () => {
    const app = { metadata: { name: 'certchain-dataforge' }, spec: { syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] } } };
    const paused = mergePatch(app, { spec: { syncPolicy: { automated: null } } });
    expect(paused).toEqual({ metadata: { name: 'certchain-dataforge' }, spec: { syncPolicy: { syncOptions: ['CreateNamespace=true'] } } });
    expect(mergePatch(paused, { spec: { syncPolicy: { automated: { prune: true, selfHeal: true } } } })).toEqual(app);
  });
});

describe('undo stack', () => {
  test('pending undos run newest first, each even when an earlier one fails; discharged ones are skipped', async () => {
    const order: string[] = [];
    const u = new UndoStack((s) => s.replace('hunter2', '***'));
    u.register('resume auto-sync', async () => {
      order.push('resume');
    });
    const stop = u.register('scale orderer back', async () => {
      order.push('scale');
    });
    u.register('rebuild state db', async () => {
      order.push('rebuild');
      throw new Error('oc debug failed: password hunter2 rejected');
    });
    u.register('scale peer back', async () => {
      order.push('peer');
    });
    stop.discharge();
    const report = await u.runAll();
    expect(order).toEqual(['peer', 'rebuild', 'resume']);
    expect(report).toEqual([
      { label: 'resume auto-sync', state: 'ran', ok: true },
      { label: 'scale orderer back', state: 'discharged' },
      { label: 'rebuild state db', state: 'ran', ok: false, error: 'oc debug failed: password *** rejected' },
      { label: 'scale peer back', state: 'ran', ok: true },
    ]);
    // A second call does not run them again.
    await u.runAll();
    expect(order).toHaveLength(3);
  });
});
