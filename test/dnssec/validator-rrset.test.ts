// validateRRset on the committed lab zones: a zone's keys (validated through its DS) judge its data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { RRset } from '../../src/wire/types.ts';
import { ValidationBudget, DEFAULT_VALIDATION_LIMITS } from '../../src/dnssec/budget.ts';
import { validateRRset, type ZoneKeys } from '../../src/dnssec/rrset-verdict.ts';
import { LAB_NOW, labSet } from './lab-zones.ts';

function keysOf(zone: string): ZoneKeys {
  return { zone: Name.of(zone), keys: labSet(zone, zone, RRType.DNSKEY).rdata };
}

test('rrset: secure data per algorithm, TTL capped by original TTL and expiry', () => {
  for (const zone of ['alg8.lab', 'alg10.lab', 'alg13.lab', 'alg14.lab', 'alg15.lab', 'alg16.lab', 'secure.lab', 'test', 'example']) {
    const set = labSet(zone, `www.${zone}`, RRType.A);
    const v = validateRRset(set, keysOf(zone), LAB_NOW, new ValidationBudget());
    assert.equal(v.security, 'secure', `${zone}: ${JSON.stringify(v)}`);
    if (v.security === 'secure') assert.equal(v.ttl, Math.min(set.ttl, 3600));
    // A TTL larger than the RRSIG's original TTL is cut down to it (RFC 4035 §5.3.3).
    const inflated = validateRRset({ ...set, ttl: 999_999 }, keysOf(zone), LAB_NOW, new ValidationBudget());
    assert.equal(inflated.security === 'secure' && inflated.ttl, 3600);
  }
});

test('rrset: TTL is capped by the time left before the signature expires', () => {
  const set = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const expiry = Date.UTC(2045, 11, 31) / 1000;
  const v = validateRRset(set, keysOf('secure.lab'), expiry - 100, new ValidationBudget());
  assert.equal(v.security === 'secure' && v.ttl, 100);
});

test('rrset: a wildcard expansion is secure and names its wildcard', () => {
  const wild = labSet('secure.lab', '*.wild.secure.lab', RRType.A);
  const expanded: RRset = { ...wild, name: Name.of('foo.wild.secure.lab') };
  const v = validateRRset(expanded, keysOf('secure.lab'), LAB_NOW, new ValidationBudget());
  assert.equal(v.security, 'secure');
  assert.equal(v.security === 'secure' && v.wildcard?.toString(), '*.wild.secure.lab.');
});

const cases: [string, string, number, RegExp][] = [
  ['changed.test', 'www.changed.test', EdeCode.DNSSEC_BOGUS, /^RRSIG for www\.changed\.test\. A by changed\.test\. key \d+ alg 13 does not verify$/],
  ['expired.test', 'www.expired.test', EdeCode.SIGNATURE_EXPIRED, /RRSIG for www\.expired\.test\. A by expired\.test\. key \d+ alg 13 expired 2024-01-01T00:00:00Z \(valid 2023-01-01T00:00:00Z to 2024-01-01T00:00:00Z\)/],
  ['notyet.test', 'www.notyet.test', EdeCode.SIGNATURE_NOT_YET_VALID, /not valid before 2040-01-01T00:00:00Z/],
  ['nosig.test', 'www.nosig.test', EdeCode.RRSIGS_MISSING, /no RRSIG for www\.nosig\.test\. A/],
];
for (const [zone, name, ede, text] of cases) {
  test(`rrset: ${name} A is bogus with EDE ${ede}`, () => {
    const v = validateRRset(labSet(zone, name, RRType.A), keysOf(zone), LAB_NOW, new ValidationBudget());
    assert.equal(v.security, 'bogus');
    if (v.security === 'bogus') {
      assert.equal(v.reason.ede, ede);
      assert.match(v.reason.text, text);
    }
  });
}

test('rrset: RFC 8509 invalid.secure.lab. (changed after signing) is EDE 6', () => {
  const v = validateRRset(labSet('secure.lab', 'invalid.secure.lab', RRType.A), keysOf('secure.lab'), LAB_NOW, new ValidationBudget());
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.DNSSEC_BOGUS);
});

test('rrset: signatures by another zone, or by a key not in the set, do not count', () => {
  const set = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const other = validateRRset(set, keysOf('lab'), LAB_NOW, new ValidationBudget());
  assert.equal(other.security, 'bogus');
  const noKey = validateRRset(set, { zone: Name.of('secure.lab'), keys: keysOf('alg13.lab').keys }, LAB_NOW, new ValidationBudget());
  assert.equal(noKey.security === 'bogus' && noKey.reason.ede, EdeCode.DNSKEY_MISSING);
});

test('rrset: key-tag collisions beyond the bound are refused (KeyTrap)', () => {
  const set = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const keys = keysOf('secure.lab').keys;
  const many = Array.from({ length: DEFAULT_VALIDATION_LIMITS.maxKeyTagCollisions + 1 }, () => keys).flat();
  const v = validateRRset(set, { zone: Name.of('secure.lab'), keys: many }, LAB_NOW, new ValidationBudget());
  assert.equal(v.security, 'bogus');
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.OTHER);
  assert.match(v.security === 'bogus' ? v.reason.text : '', /share the key tag/);
});

test('rrset: the per-query verification budget is shared across RRsets', () => {
  const budget = new ValidationBudget({ ...DEFAULT_VALIDATION_LIMITS, maxVerificationsPerQuery: 2 });
  const keys = keysOf('secure.lab');
  assert.equal(validateRRset(labSet('secure.lab', 'www.secure.lab', RRType.A), keys, LAB_NOW, budget).security, 'secure');
  assert.equal(validateRRset(labSet('secure.lab', 'www.secure.lab', RRType.AAAA), keys, LAB_NOW, budget).security, 'secure');
  const third = validateRRset(labSet('secure.lab', 'secure.lab', RRType.SOA), keys, LAB_NOW, budget);
  assert.equal(third.security === 'bogus' && third.reason.ede, EdeCode.OTHER);
  assert.equal(budget.verifications, 2);
});
