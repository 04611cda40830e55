import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PACKAGE_DIR, resolveDataFile } from '../../src/app/data-files.ts';
import { healthOf } from '../../src/app/start.ts';

test('healthz: ok only while listening, not closing, with anchors loaded when configured', () => {
  const loaded = { anchors: { enabled: true } } as Parameters<typeof healthOf>[2];
  const missing = { anchors: { enabled: false } } as Parameters<typeof healthOf>[2];
  const up = { listening: true, closing: false };
  assert.deepEqual(healthOf(up, { trustAnchors: ['a'] }, loaded), { ok: true, detail: 'ok' });
  assert.equal(healthOf(up, { trustAnchors: ['a'] }, missing).ok, false);
  assert.equal(healthOf(up, { trustAnchors: [] }, missing).ok, true);
  assert.equal(healthOf({ listening: false, closing: false }, { trustAnchors: [] }, loaded).ok, false);
  assert.equal(healthOf({ listening: true, closing: true }, { trustAnchors: [] }, loaded).ok, false);
});

test('data files: as written when present or absolute; the packaged copy of a missing relative default', () => {
  const exists = (p: string) => p === 'here.hints' || p === join(PACKAGE_DIR, 'zones/root.hints');
  assert.equal(resolveDataFile('here.hints', exists), 'here.hints');
  assert.equal(resolveDataFile('/etc/anchord/root.hints', exists), '/etc/anchord/root.hints');
  assert.equal(resolveDataFile('zones/root.hints', exists), join(PACKAGE_DIR, 'zones/root.hints'));
  assert.equal(resolveDataFile('nowhere.hints', exists), 'nowhere.hints');
});
