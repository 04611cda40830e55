// validateKeySet on the committed lab zones: the DS in the parent's file against the child's
// DNSKEY RRset, at lab.json's pinned time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdeCode } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import { parseTrustAnchors, BUILTIN_ROOT_ANCHORS_FILE } from '../../src/dnssec/anchors.ts';
import { ValidationBudget } from '../../src/dnssec/budget.ts';
import { validateKeySet, type KeySetVerdict } from '../../src/dnssec/keyset.ts';
import { DNSKEY_FLAG_REVOKE } from '../../src/dnssec/dnskey.ts';
import { LAB_NOW, labDs, labSet } from './lab-zones.ts';

function judge(parent: string, zone: string, now = LAB_NOW): KeySetVerdict {
  return validateKeySet(Name.of(zone), labSet(zone, zone, RRType.DNSKEY), { ds: labDs(parent, zone) }, now, new ValidationBudget());
}

function anchorDs(file: string) {
  const a = parseTrustAnchors(readFileSync(file, 'utf8'), file);
  assert.ok(a.ok);
  return a.anchors[0].ds;
}

test('keyset: every secure lab zone validates against its parent DS', () => {
  for (const [parent, zone] of [['.', 'lab'], ['.', 'test'], ['.', 'example'], ['lab', 'secure.lab'], ['lab', 'alg8.lab'], ['lab', 'alg10.lab'],
    ['lab', 'alg14.lab'], ['lab', 'alg15.lab'], ['lab', 'alg16.lab'], ['test', 'optout.test'], ['test', 'iter200.test'], ['test', 'nosig.test']]) {
    const v = judge(parent, zone);
    assert.equal(v.security, 'secure', `${zone}: ${JSON.stringify(v)}`);
    if (v.security === 'secure') {
      assert.ok(v.keys.length >= 1);
      assert.ok(v.ttl > 0 && v.ttl <= 3600 * 48, `${zone} ttl ${v.ttl}`);
    }
  }
});

test('keyset: the lab root validates against zones/lab/trust-anchor, not against the IANA anchors', () => {
  const root = labSet('.', '.', RRType.DNSKEY);
  const lab = validateKeySet(Name.root, root, { ds: anchorDs(join(DEFAULT_ZONES_DIR, 'trust-anchor')) }, LAB_NOW, new ValidationBudget());
  assert.equal(lab.security, 'secure');
  const iana = validateKeySet(Name.root, root, { ds: anchorDs(BUILTIN_ROOT_ANCHORS_FILE) }, LAB_NOW, new ValidationBudget());
  assert.equal(iana.security, 'bogus');
  assert.equal(iana.security === 'bogus' && iana.reason.ede, EdeCode.DNSKEY_MISSING);
});

test('keyset: a configured DNSKEY anchor is trusted when it signs the set', () => {
  const root = labSet('.', '.', RRType.DNSKEY);
  const v = validateKeySet(Name.root, root, { ds: [], dnskeys: root.rdata }, LAB_NOW, new ValidationBudget());
  assert.equal(v.security, 'secure');
});

const broken: [string, string, 'bogus' | 'insecure', number, RegExp][] = [
  ['test', 'nokey.test', 'bogus', EdeCode.DNSKEY_MISSING, /no DNSKEY of nokey\.test\. matches DS key tag/],
  ['test', 'nozonebit.test', 'bogus', EdeCode.NO_ZONE_KEY_BIT_SET, /lacks the ZONE flag/],
  ['test', 'expired.test', 'bogus', EdeCode.SIGNATURE_EXPIRED, /RRSIG for expired\.test\. DNSKEY by expired\.test\. key \d+ alg 13 expired 2024-01-01T00:00:00Z/],
  ['test', 'notyet.test', 'bogus', EdeCode.SIGNATURE_NOT_YET_VALID, /not valid before 2040-01-01T00:00:00Z/],
  ['test', 'unknownalg.test', 'insecure', EdeCode.UNSUPPORTED_DNSKEY_ALGORITHM, /algorithm 100/],
  ['test', 'unknowndigest.test', 'insecure', EdeCode.UNSUPPORTED_DS_DIGEST_TYPE, /digest type 100/],
];
for (const [parent, zone, security, ede, text] of broken) {
  test(`keyset: ${zone} is ${security} with EDE ${ede}`, () => {
    const v = judge(parent, zone);
    assert.equal(v.security, security, JSON.stringify(v));
    assert.equal(v.reason.ede, ede);
    assert.match(v.reason.text, text);
  });
}

test('keyset: no DNSKEY RRset at all is EDE 9', () => {
  const v = validateKeySet(Name.of('secure.lab'), undefined, { ds: labDs('lab', 'secure.lab') }, LAB_NOW, new ValidationBudget());
  assert.equal(v.security, 'bogus');
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.DNSKEY_MISSING);
});

test('keyset: a revoked key (RFC 5011) is neither an entry key nor a data key', () => {
  const set = labSet('.', '.', RRType.DNSKEY);
  const revoked = set.rdata.map((k) => {
    const c = new Uint8Array(k);
    c[1] |= DNSKEY_FLAG_REVOKE;
    return c;
  });
  // Configured as anchors, revoked keys are still refused.
  const v = validateKeySet(Name.root, { ...set, rdata: revoked }, { ds: [], dnskeys: revoked }, LAB_NOW, new ValidationBudget());
  assert.notEqual(v.security, 'secure');
});

test('keyset: the verification budget ends the work with EDE 0', () => {
  const budget = new ValidationBudget({ maxVerificationsPerRRset: 8, maxVerificationsPerQuery: 0, maxKeyTagCollisions: 4, maxNsec3HashesPerResponse: 32 });
  const v = validateKeySet(Name.of('secure.lab'), labSet('secure.lab', 'secure.lab', RRType.DNSKEY), { ds: labDs('lab', 'secure.lab') }, LAB_NOW, budget);
  assert.equal(v.security, 'bogus');
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.OTHER);
  assert.match(v.security === 'bogus' ? v.reason.text : '', /validation limit/);
});
