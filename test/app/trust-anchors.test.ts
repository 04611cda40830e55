import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTrustAnchorSlot } from '../../src/app/trust-anchors.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import type { Resolution, ValidationContext } from '../../src/resolver/resolution.ts';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Security } from '../../src/wire/outcome.ts';
import { parseZone } from '../../src/wire/zonefile.ts';

const settings = { nsec3MaxIterations: 50, bogusTtl: 60, limits: {} };
const labAnchor = (() => {
  const r = parseZone(readFileSync(join(DEFAULT_ZONES_DIR, 'trust-anchor'), 'utf8'));
  assert.ok(r.ok);
  return r.records;
})();
const LAB_ROOT_TAG = 29791;

const question = { name: Name.of('www.example.'), type: RRType.A, class: RRClass.IN };
const emptyResolution: Resolution = { question, rcode: 0, answer: [], authority: [], steps: [], reasons: [], fromCache: false, upstreamQueries: 0 };
const context = { now: () => Date.parse('2026-06-01T00:00:00Z') } as ValidationContext;

test('no anchors: validation is off, every verdict insecure and none counted', async () => {
  const seen: Security[] = [];
  const slot = createTrustAnchorSlot(settings, (s) => seen.push(s));
  assert.deepEqual(slot.install([], []), { ok: true, changed: true });
  assert.equal(slot.enabled, false);
  assert.deepEqual(await slot.validator.validateResolution(emptyResolution, context), { security: 'insecure', reasons: [] });
  assert.deepEqual(seen, []);
  assert.deepEqual(slot.rootKeyTags(), []);
});

test('the lab anchor: enabled, root key tag for the sentinel, verdicts counted; the same anchors again change nothing', async () => {
  const seen: Security[] = [];
  const slot = createTrustAnchorSlot(settings, (s) => seen.push(s));
  assert.deepEqual(slot.install(labAnchor, []), { ok: true, changed: true });
  assert.equal(slot.enabled, true);
  assert.deepEqual(slot.rootKeyTags(), [LAB_ROOT_TAG]);
  await slot.validator.validateResolution(emptyResolution, context);
  assert.equal(seen.length, 1);
  assert.deepEqual(slot.install(labAnchor, []), { ok: true, changed: false });
  assert.deepEqual(slot.install(labAnchor, [Name.of('insecure.lab.')]), { ok: true, changed: true });
  assert.deepEqual(slot.install([], []), { ok: true, changed: true });
  assert.equal(slot.enabled, false);
});
