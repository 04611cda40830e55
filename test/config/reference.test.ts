import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigReference } from '../../src/config/reference.ts';

const MARKER = 'checks it. -->\n';

test('docs/configuration.md holds the reference rendered from the schema', () => {
  const doc = readFileSync('docs/configuration.md', 'utf8');
  const at = doc.indexOf(MARKER);
  assert.ok(at >= 0, 'generated-section marker missing');
  // To regenerate: replace everything after the marker with renderConfigReference().
  assert.equal(doc.slice(at + MARKER.length), renderConfigReference());
});

test('the reference lists nested and array-element keys', () => {
  const table = renderConfigReference();
  for (const key of ['`tcp.idleTimeoutMs`', '`forward[].zone`', '`policy[].ede`', '`limits.maxCnameChain`', '`control.tokenFile`']) {
    assert.ok(table.includes(key), key);
  }
});
