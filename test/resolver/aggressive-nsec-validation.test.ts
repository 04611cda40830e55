// The validator's side of RFC 8198 (src/resolver/validation.ts + aggressive-nsec.ts): only NSEC and
// SOA sets it proved secure are kept — not bogus ones, not from insecure zones or below a negative
// trust anchor — for no longer than their RRSIGs allow, and a synthesised denial is itself
// validated secure. Hand-made zones with faked crypto (signed-fakes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import type { RRset } from '../../src/wire/types.ts';
import { createValidator, type ValidatorConfig } from '../../src/resolver/validation.ts';
import type { AnswerStep, Resolution, ValidationContext } from '../../src/resolver/resolution.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, q, resolution, step, TableFetch } from './signed-fakes.ts';

const example = new FakeZone('example.com', 1);
const other = new FakeZone('example.net', 2);
const APEX_TYPES = [RRType.NS, RRType.SOA, RRType.RRSIG, RRType.NSEC, RRType.DNSKEY];

function setup(anchor: FakeZone = example, more: Partial<ValidatorConfig> = {}) {
  const validator = createValidator({ trustAnchors: [anchor.anchor()], signatureCheck: ACCEPT_SIGNATURES, ...more });
  const table = new TableFetch();
  for (const z of [example, other]) {
    table.set(z.name.toString(), RRType.DNSKEY, resolution(q(z.name.toString(), RRType.DNSKEY), Rcode.NOERROR, [step('answer', z.name.toString(), q(z.name.toString(), RRType.DNSKEY), [z.dnskeySet()])]));
  }
  const context: ValidationContext = {
    query: { question: q('example.com', RRType.A), rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 } },
    fetch: (qq) => table.fetch(qq),
    now: () => FAKE_NOW_MS,
  };
  return { validator, context };
}

function nxdomain(name: string, authority: RRset[], fromCache = false): Resolution {
  const s: AnswerStep = { ...step('nxdomain', 'example.com', q(name, RRType.A), [], authority), fromCache };
  return resolution(q(name, RRType.A), Rcode.NXDOMAIN, [s]);
}

const apex = (opts: { broken?: boolean; expiresIn?: number } = {}) => example.sign({ name: N('example.com'), type: RRType.NSEC, rdata: example.nsec('example.com', 'alpha.example.com', APEX_TYPES).rdata }, opts);
const alpha = (opts: { broken?: boolean; expiresIn?: number } = {}) => example.sign({ name: N('alpha.example.com'), type: RRType.NSEC, rdata: example.nsec('alpha.example.com', 'mail.example.com', [RRType.A, RRType.RRSIG, RRType.NSEC]).rdata }, opts);

test('aggressive nsec (validator): a secure NXDOMAIN teaches a denial for other covered names, and that denial validates secure', async () => {
  const h = setup();
  const first = await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), h.context);
  assert.equal(first.security, 'secure', JSON.stringify(first.reasons));
  const d = h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS);
  assert.equal(d?.kind, 'nxdomain');
  const again = await h.validator.validateResolution(nxdomain('beta.example.com', [...d.authority], true), h.context);
  assert.equal(again.security, 'secure', JSON.stringify(again.reasons));
  assert.equal(h.validator.aggressiveNsecStats.nxdomain, 1);
  // A name the NSECs held do not cover is not denied.
  assert.equal(h.validator.synthesiseDenial(q('zulu.example.com', RRType.A), FAKE_NOW_MS), undefined);
});

test('aggressive nsec (validator): a bogus NSEC is never kept', async () => {
  const h = setup();
  const v = await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha({ broken: true })]), h.context);
  assert.equal(v.security, 'bogus');
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);
});

test('aggressive nsec (validator): NSECs of an insecure zone, or below a negative trust anchor, are never kept', async () => {
  const unanchored = setup(other); // no trust anchor covers example.com: its denial is insecure
  const v = await unanchored.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), unanchored.context);
  assert.equal(v.security, 'insecure');
  assert.equal(unanchored.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);

  const nta = setup(example, { insecureDomains: [N('example.com')] });
  const w = await nta.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), nta.context);
  assert.equal(w.security, 'insecure');
  assert.equal(nta.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);
});

test('aggressive nsec (validator): a kept NSEC expires with its RRSIG, before its TTL', async () => {
  const h = setup();
  const v = await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha({ expiresIn: 100 })]), h.context);
  assert.equal(v.security, 'secure');
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS + 99_000)?.kind, 'nxdomain');
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS + 100_000), undefined);
});

test('aggressive nsec (validator): aggressiveNsec false keeps nothing', async () => {
  const h = setup(example, { aggressiveNsec: false });
  const v = await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), h.context);
  assert.equal(v.security, 'secure');
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);
  assert.deepEqual(h.validator.aggressiveNsecStats, { nxdomain: 0, nodata: 0 });
});

test('aggressive nsec (validator): a held denial that no longer verifies empties the zone\'s store', async () => {
  const h = setup();
  await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), h.context);
  assert.ok(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS) !== undefined);
  // A server's fresh bad answer does not empty it (anyone could send one) ...
  const fresh = await h.validator.validateResolution(nxdomain('alpha2.example.com', [example.soa(), apex(), alpha({ broken: true })]), h.context);
  assert.equal(fresh.security, 'bogus');
  assert.ok(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS) !== undefined);
  // ... but held data that fails does.
  const held = await h.validator.validateResolution(nxdomain('alpha2.example.com', [example.soa(), apex(), alpha({ broken: true })], true), h.context);
  assert.equal(held.security, 'bogus');
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);
});

test('aggressive nsec (validator): no denial is synthesised once the zone\'s validated keys are gone', async () => {
  const h = setup();
  const first = await h.validator.validateResolution(nxdomain('alpha1.example.com', [example.soa(), apex(), alpha()]), h.context);
  assert.equal(first.security, 'secure', JSON.stringify(first.reasons));
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS)?.kind, 'nxdomain');
  // Without the keys, judging the denial would need a fetch (impossible for RD=0): ask the zone instead.
  h.validator.clearKeys();
  assert.equal(h.validator.synthesiseDenial(q('beta.example.com', RRType.A), FAKE_NOW_MS), undefined);
});
