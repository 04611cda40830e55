// The signature-check injection point: validateRRset and validateKeySet use the check they are
// handed (crypto step and algorithm support), and node:crypto when they are handed none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnssecAlgorithm, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { ValidationBudget } from '../../src/dnssec/budget.ts';
import { validateKeySet } from '../../src/dnssec/keyset.ts';
import { validateRRset } from '../../src/dnssec/rrset-verdict.ts';
import { REAL_SIGNATURE_CHECK, type SignatureCheck } from '../../src/dnssec/signature-check.ts';
import { LAB_NOW, labDs, labSet } from './lab-zones.ts';

const refuseAll: SignatureCheck = { supports: REAL_SIGNATURE_CHECK.supports, verify: () => ({ ok: false, kind: 'bad-signature', detail: 'refused by test' }) };

test('signature check: the default is node:crypto; an injected check decides instead', () => {
  const keys = validateKeySet(Name.of('secure.lab'), labSet('secure.lab', 'secure.lab', RRType.DNSKEY), { ds: labDs('lab', 'secure.lab') }, LAB_NOW, new ValidationBudget());
  assert.ok(keys.security === 'secure');
  const set = labSet('secure.lab', 'www.secure.lab', RRType.A);
  assert.equal(validateRRset(set, keys, LAB_NOW, new ValidationBudget()).security, 'secure');
  assert.equal(validateRRset(set, keys, LAB_NOW, new ValidationBudget(), REAL_SIGNATURE_CHECK).security, 'secure');
  const refused = validateRRset(set, keys, LAB_NOW, new ValidationBudget(), refuseAll);
  assert.ok(refused.security === 'bogus');
  assert.match(refused.reason.text, /refused by test/);
});

test('signature check: the validity window is still judged before the injected check', () => {
  const keys = validateKeySet(Name.of('secure.lab'), labSet('secure.lab', 'secure.lab', RRType.DNSKEY), { ds: labDs('lab', 'secure.lab') }, LAB_NOW, new ValidationBudget());
  assert.ok(keys.security === 'secure');
  const acceptAll: SignatureCheck = { supports: () => true, verify: () => ({ ok: true }) };
  const farFuture = LAB_NOW + 100 * 365 * 86400;
  const v = validateRRset(labSet('secure.lab', 'www.secure.lab', RRType.A), keys, farFuture, new ValidationBudget(), acceptAll);
  assert.equal(v.security, 'bogus');
});

test('signature check: a DS algorithm the check does not support makes the zone insecure (EDE 1)', () => {
  const ds = labDs('lab', 'secure.lab');
  const noSupport: SignatureCheck = { supports: (a) => a !== ds[0].algorithm && a !== DnssecAlgorithm.DSA, verify: REAL_SIGNATURE_CHECK.verify };
  const v = validateKeySet(Name.of('secure.lab'), labSet('secure.lab', 'secure.lab', RRType.DNSKEY), { ds }, LAB_NOW, new ValidationBudget(), noSupport);
  assert.equal(v.security, 'insecure');
});
