// The lab data itself: lab.json agrees with the signed zone files, the trust anchor matches the lab
// root key, delegations have glue and DS where lab.json says they should, and the zone indexes the
// lab server answers from (NSEC3 lookups, wildcards, CNAME/DNAME) behave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { loadLabConfig, loadZones } from '../../src/lab/config.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import { answerFromZone } from '../../src/lab/answer.ts';
import type { AuthZone } from '../../src/lab/zone.ts';

interface LabCase { qname: string; qtype: string; rcode: string; ad: boolean; ede: number | null }
const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as {
  rootKskTag: number; otherKeyTag: number; pinnedTime: string;
  zones: { name: string; security: string; servers: { name: string; address: string }[] }[];
  cases: LabCase[];
};
const config = loadLabConfig(DEFAULT_ZONES_DIR);
assert.ok(config.ok);
const loaded = loadZones(DEFAULT_ZONES_DIR, config.config);
assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
const zones = loaded.zones;
const zone = (name: string): AuthZone => {
  const z = zones.get(name);
  if (z === undefined) throw new Error(`zone ${name} not loaded`);
  return z;
};

/** RFC 4034 Appendix B key tag over DNSKEY RDATA. */
function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  return (ac + ((ac >> 16) & 0xffff)) & 0xffff;
}

describe('lab data', () => {
  it('loads every zone listed in lab.json', () => {
    assert.equal(zones.size, labJson.zones.length);
    assert.ok(zones.size >= 20);
  });

  it('puts every server on a distinct loopback address in 127.53.0.0/16', () => {
    const seen = new Set<string>();
    for (const z of config.config.zones) for (const s of z.servers) {
      assert.match(s.address, /^127\.53\.\d{1,3}\.\d{1,3}$/);
      assert.ok(!seen.has(s.address) || z.name === '.', `address ${s.address} reused`);
      seen.add(s.address);
    }
    for (const s of config.config.specialServers) assert.ok(!seen.has(s.address), `${s.address} both special and serving`);
  });

  it('has a trust anchor for the root KSK whose tag lab.json and the sentinel names use', () => {
    const ta = parseZone(readFileSync(join(DEFAULT_ZONES_DIR, 'trust-anchor'), 'utf8'), { origin: Name.root });
    assert.ok(ta.ok);
    const ds = ta.records[0].rdata;
    const taTag = (ds[0] << 8) | ds[1];
    assert.equal(taTag, labJson.rootKskTag);
    const keys = zone('.').rrset(Name.root, RRType.DNSKEY)!;
    const ksk = keys.rdata.find((r) => keyTag(r) === taTag);
    assert.ok(ksk, 'root DNSKEY with the anchor tag');
    assert.equal(ksk[1] & 1, 1, 'SEP flag');
    const secure = zone('secure.lab.');
    assert.ok(secure.rrset(Name.of(`root-key-sentinel-is-ta-${taTag}.secure.lab`), RRType.A));
    assert.ok(secure.rrset(Name.of(`root-key-sentinel-not-ta-${labJson.otherKeyTag}.secure.lab`), RRType.A));
  });

  it('delegates every zone from its parent, with DS exactly for the signed children', () => {
    for (const entry of labJson.zones) {
      if (entry.name === '.') continue;
      const child = Name.of(entry.name);
      const parentZone = [...zones.values()].filter((z) => !z.origin.equals(child) && child.isSubdomainOf(z.origin))
        .sort((a, b) => b.origin.labelCount - a.origin.labelCount)[0];
      assert.ok(parentZone, `parent of ${entry.name}`);
      assert.ok(parentZone.rrset(child, RRType.NS), `NS for ${entry.name} in ${parentZone.origin}`);
      const hasDs = parentZone.rrset(child, RRType.DS) !== undefined;
      assert.equal(hasDs, entry.security !== 'insecure' || entry.name.startsWith('unknown'), `DS for ${entry.name}`);
    }
  });

  it('lists cases whose names all fall inside lab zones', () => {
    assert.ok(labJson.cases.length >= 40);
    for (const c of labJson.cases) assert.ok(Name.parse(c.qname).ok, c.qname);
    assert.ok(Number.isFinite(Date.parse(labJson.pinnedTime)));
  });
});

describe('lab NSEC3 lookups', () => {
  it('finds the NSEC3 records of the signed test. zone by hashing names', () => {
    const test = zone('test.');
    assert.ok(test.nsec3Matching(Name.of('test')), 'apex');
    assert.ok(test.nsec3Matching(Name.of('ent.test')), 'empty non-terminal');
    assert.equal(test.nsec3Matching(Name.of('nx.test')), undefined);
    assert.ok(test.nsec3Covering(Name.of('nx.test')));
  });
});

describe('lab answers without sockets', () => {
  it('gives the NSEC3 wildcard answer with the next-closer proof', () => {
    const a = answerFromZone(zone('test.'), Name.of('foo.wild.test'), RRType.A, true);
    assert.equal(a.answer[0].name.key, 'foo.wild.test.');
    assert.equal(a.authority.length, 1);
    assert.equal(a.authority[0].type, RRType.NSEC3);
  });

  it('gives NSEC3 NODATA for a wildcard without the type: closest encloser, next closer, wildcard', () => {
    const a = answerFromZone(zone('test.'), Name.of('foo.wild.test'), RRType.AAAA, true);
    assert.equal(a.answer.length, 0);
    assert.deepEqual(a.authority.map((s) => s.type), [RRType.SOA, RRType.NSEC3, RRType.NSEC3, RRType.NSEC3]);
  });

  it('follows a CNAME chain only inside the zone, reporting the final rcode', () => {
    const a = answerFromZone(zone('secure.lab.'), Name.of('chain.secure.lab'), RRType.A, false);
    assert.deepEqual(a.answer.map((s) => s.type), [RRType.CNAME]);
    const nx = answerFromZone(zone('secure.lab.'), Name.of('nx.old.secure.lab'), RRType.A, false);
    assert.deepEqual(nx.answer.map((s) => s.type), [RRType.DNAME, RRType.CNAME]);
  });

  it('uses the SOA minimum as the negative TTL when it is lower than the SOA TTL', () => {
    const a = answerFromZone(zone('.'), Name.of('nosuchtld'), RRType.A, false);
    assert.equal(a.authority[0].type, RRType.SOA);
    assert.equal(a.authority[0].ttl, 86400);
  });
});
