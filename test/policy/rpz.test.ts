import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import { soaCodec } from '../../src/wire/rdata/basic.ts';
import { findPolicy, loadRpzZone, parseRpzZone } from '../../src/policy/rpz.ts';
import type { PolicyZone } from '../../src/policy/rpz.ts';
import { ZONE_ONE, ZONE_TWO } from './zones.ts';

function parse(text: string, fileName = 'one.rpz'): PolicyZone {
  const r = parseRpzZone(text, { fileName, ede: 'blocked', text: 'blocked by test' });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.zone;
}

function parseError(text: string) {
  const r = parseRpzZone(text, { fileName: 'bad.rpz', ede: 'blocked', text: '' });
  assert.equal(r.ok, false);
  return r.ok ? undefined! : r.error;
}

test('parse: apex, SOA with negative TTL, triggers split into exact and wildcard', () => {
  const z = parse(ZONE_ONE);
  assert.equal(z.apex.key, 'rpz1.test.');
  assert.equal(z.soa.ttl, 60);
  assert.equal(z.soa.type, RRType.SOA);
  assert.deepEqual(z.reason, { ede: EdeCode.BLOCKED, text: 'blocked by test' });
  assert.deepEqual([...z.exact.keys()].sort(), [
    'drop.example.', 'exact.wild.example.', 'legacy.example.', 'local.example.', 'nodata.example.', 'nx.example.',
    'ok.blockall.example.', 'pass.example.', 'rewrite.example.', 'tcp.example.',
  ]);
  assert.deepEqual([...z.wildcard.keys()].sort(), ['deep.wild.example.', 'garden.example.', 'wild.example.']);
  const kinds = Object.fromEntries([...z.exact].map(([k, r]) => [k, r.action.kind]));
  assert.deepEqual(kinds, {
    'nx.example.': 'nxdomain', 'nodata.example.': 'nodata', 'pass.example.': 'passthru', 'legacy.example.': 'passthru',
    'drop.example.': 'drop', 'tcp.example.': 'tcp-only', 'local.example.': 'local', 'rewrite.example.': 'local',
    'exact.wild.example.': 'local', 'ok.blockall.example.': 'passthru',
  });
  assert.equal(z.wildcard.get('garden.example.')?.action.kind, 'wildcard-cname');
});

test('parse: SOA TTL below MINIMUM gives the negative TTL (RFC 2308 §3); EDE code per config', () => {
  const r = parseRpzZone(ZONE_TWO, { fileName: 'two.rpz', ede: 'filtered', text: '' });
  assert.ok(r.ok);
  assert.equal(r.zone.soa.ttl, 30);
  assert.equal(r.zone.reason.ede, EdeCode.FILTERED);
  assert.equal(r.zone.reason.text, 'response policy zone rpz2.test.');
  const c = parseRpzZone(ZONE_TWO, { fileName: 'two.rpz', ede: 'censored', text: 'x' });
  assert.ok(c.ok);
  assert.equal(c.zone.reason.ede, EdeCode.CENSORED);
});

test('parse: the origin may come from the options', () => {
  const r = parseRpzZone('@ 60 SOA a. b. 1 2 3 4 5\nbad.example 60 CNAME .\n', {
    fileName: 'o.rpz', ede: 'blocked', text: '', origin: Name.of('given.rpz.'),
  });
  assert.ok(r.ok);
  assert.equal(r.zone.apex.key, 'given.rpz.');
  assert.ok(r.zone.exact.has('bad.example.'));
});

test('parse errors name the file and line', () => {
  const syntax = parseError('$ORIGIN r.\n$TTL 60\n@ SOA a. b. 1 2 3 4 5\nok CNAME .\nbad A 300.1.1.1\n');
  assert.equal(syntax.line, 5);
  assert.match(syntax.message, /^bad\.rpz:5: /);

  const conflict = parseError('$ORIGIN r.\n$TTL 60\n@ SOA a. b. 1 2 3 4 5\nx CNAME .\nx A 192.0.2.1\n');
  assert.equal(conflict.line, 5);
  assert.match(conflict.message, /^bad\.rpz:5: .*CNAME and A/);

  const outside = parseError('$ORIGIN r.\n$TTL 60\n@ SOA a. b. 1 2 3 4 5\nx.elsewhere. CNAME .\n');
  assert.match(outside.message, /^bad\.rpz:4: x\.elsewhere\. is outside the policy zone r\./);

  const noSoa = parseError('$ORIGIN r.\n$TTL 60\nx CNAME .\n');
  assert.match(noSoa.message, /^bad\.rpz:3: a policy zone starts with its SOA record/);

  const rootSoa = parseError('$TTL 60\n@ SOA a. b. 1 2 3 4 5\n');
  assert.match(rootSoa.message, /^bad\.rpz:2: the SOA is at the root/);

  const include = parseError('$ORIGIN r.\n$INCLUDE other.rpz\n');
  assert.match(include.message, /^bad\.rpz:2: unsupported directive \$INCLUDE/);

  const paren = parseError('$ORIGIN r.\n$TTL 60\n@ SOA a. b. ( 1 2 3 4 5\n');
  assert.match(paren.message, /^bad\.rpz:3: /);

  const empty = parseError('; nothing\n');
  assert.match(empty.message, /^bad\.rpz: a policy zone starts with its SOA record/);
});

test('parse: non-QNAME triggers and DNSSEC records are skipped with warnings', () => {
  const r = parseRpzZone(
    '$ORIGIN r.\n$TTL 60\n@ SOA a. b. 1 2 3 4 5\n@ TXT "apex"\n32.1.2.0.192.rpz-ip CNAME .\nns.example.rpz-nsdname CNAME .\n'
      + '24.0.0.0.10.rpz-client-ip CNAME rpz-drop.\nx NSEC y.r. A\nkept CNAME .\n',
    { fileName: 'w.rpz', ede: 'blocked', text: '' },
  );
  assert.ok(r.ok);
  assert.deepEqual([...r.zone.exact.keys()], ['kept.']);
  assert.equal(r.warnings.length, 5);
  assert.match(r.warnings[0], /^w\.rpz:4: TXT at the zone apex/);
  assert.match(r.warnings[1], /^w\.rpz:5: rpz-ip triggers are not supported/);
  assert.match(r.warnings[2], /^w\.rpz:6: rpz-nsdname/);
  assert.match(r.warnings[3], /^w\.rpz:7: rpz-client-ip/);
  assert.match(r.warnings[4], /^w\.rpz:8: NSEC is not policy data/);
});

test('findPolicy: exact beats wildcard, the closest wildcard wins, the wildcard does not match its own base', () => {
  const z = parse(ZONE_ONE);
  const m = (name: string) => findPolicy([z], Name.of(name))?.rule.trigger;
  assert.equal(m('NX.Example.'), 'nx.example.');
  assert.equal(m('exact.wild.example.'), 'exact.wild.example.');
  assert.equal(m('a.wild.example.'), '*.wild.example.');
  assert.equal(m('a.b.c.wild.example.'), '*.wild.example.');
  assert.equal(m('x.deep.wild.example.'), '*.deep.wild.example.');
  assert.equal(m('deep.wild.example.'), '*.wild.example.');
  assert.equal(m('wild.example.'), undefined);
  assert.equal(m('sub.nx.example.'), undefined);
  assert.equal(m('example.'), undefined);
  assert.equal(m('.'), undefined);
});

test('findPolicy: the first zone with a match wins, PASSTHRU included', () => {
  const one = parse(ZONE_ONE);
  const r = parseRpzZone(ZONE_TWO, { fileName: 'two.rpz', ede: 'filtered', text: '' });
  assert.ok(r.ok);
  const two = r.zone;
  const m = (name: string) => {
    const hit = findPolicy([one, two], Name.of(name));
    return hit && `${hit.zone.apex.key} ${hit.rule.action.kind}`;
  };
  assert.equal(m('nx.example.'), 'rpz1.test. nxdomain');
  assert.equal(m('pass.example.'), 'rpz1.test. passthru');
  assert.equal(m('ok.blockall.example.'), 'rpz1.test. passthru');
  assert.equal(m('x.blockall.example.'), 'rpz2.test. nxdomain');
  assert.equal(m('other.example.'), 'rpz2.test. nodata');
  // A wildcard in an earlier zone beats an exact trigger in a later one (zone order comes first).
  assert.equal(findPolicy([two, one], Name.of('ok.blockall.example.'))?.zone.apex.key, 'rpz2.test.');
});

test('the example zone in zones/policy loads, with one warning for its rpz-ip rule', async () => {
  const file = fileURLToPath(new URL('../../zones/policy/example.rpz', import.meta.url));
  const r = await loadRpzZone({ file, ede: 'blocked', text: 'example' });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.zone.apex.key, 'rpz.example.');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /rpz-ip triggers are not supported/);
  const kinds = new Set([...r.zone.exact.values(), ...r.zone.wildcard.values()].map((x) => x.action.kind));
  assert.deepEqual([...kinds].sort(), ['drop', 'local', 'nodata', 'nxdomain', 'passthru', 'tcp-only', 'wildcard-cname']);
  const soa = soaCodec.decode(r.zone.soa.rdata[0]);
  assert.ok(soa.ok);
  assert.equal(r.zone.soa.ttl, soa.value.minimum);
});

test('loadRpzZone: an unreadable file is an error naming the file', async () => {
  const r = await loadRpzZone({ file: '/nonexistent/policy.rpz', ede: 'blocked', text: '' });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /^\/nonexistent\/policy\.rpz: cannot read/);
});
