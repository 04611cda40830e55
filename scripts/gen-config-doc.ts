// Rewrites the generated part of docs/configuration.md (everything after the marker) from the
// config schema, so a new key is documented exactly as test/config/reference.test.ts expects.
// Usage: npx tsx scripts/gen-config-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference } from '../src/config/reference.ts';

const FILE = 'docs/configuration.md';
const MARKER = 'checks it. -->\n';
const doc = readFileSync(FILE, 'utf8');
const at = doc.indexOf(MARKER);
if (at < 0) {
  process.stderr.write(`${FILE}: generated-section marker missing\n`);
  process.exit(1);
}
writeFileSync(FILE, doc.slice(0, at + MARKER.length) + renderConfigReference());
