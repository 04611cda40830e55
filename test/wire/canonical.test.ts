// RFC 4034 §6.2 as amended by RFC 6840 §5.1: which RDATA names are lower-cased for signing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { canonicalRdata, canonicalOwner, hasCanonicalNames } from '../../src/wire/canonical.ts';
import { rdataFromText } from '../../src/wire/rdata/index.ts';
import { tokenizeLine } from '../../src/wire/zonefile.ts';

function wire(type: number, text: string): Uint8Array {
  const t = tokenizeLine(text);
  assert.ok(t.ok && t.entry);
  const r = rdataFromText(type, t.entry.tokens, Name.root);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('names inside the RFC 4034 §6.2 types are lower-cased, other octets untouched', () => {
  const cases: [number, string, string][] = [
    [RRType.NS, 'NS1.Example.', 'ns1.example.'],
    [RRType.CNAME, 'A.B.', 'a.b.'],
    [RRType.DNAME, 'Target.NET.', 'target.net.'],
    [RRType.PTR, 'HOST.', 'host.'],
    [RRType.SOA, 'NS.X. HostMaster.X. 1 2 3 4 5', 'ns.x. hostmaster.x. 1 2 3 4 5'],
    [RRType.MX, '10 MAIL.X.', '10 mail.x.'],
    [RRType.RP, 'Admin.X. TXT.X.', 'admin.x. txt.x.'],
    [RRType.AFSDB, '1 AFS.X.', '1 afs.x.'],
    [RRType.KX, '1 KX.X.', '1 kx.x.'],
    [RRType.SRV, '1 2 3 WWW.X.', '1 2 3 www.x.'],
    // Only the replacement name: the character-strings keep their case.
    [RRType.NAPTR, '1 2 "S" "SIP+D2U" "!^.*$!SIP:A@B!" _SIP._UDP.X.', '1 2 "S" "SIP+D2U" "!^.*$!SIP:A@B!" _sip._udp.x.'],
    [RRType.RRSIG, 'A 8 2 300 1 1 1 Example.COM. AbCd', 'A 8 2 300 1 1 1 example.com. AbCd'],
  ];
  for (const [type, mixed, lower] of cases) {
    assert.ok(hasCanonicalNames(type), String(type));
    assert.equal(hex(canonicalRdata(type, wire(type, mixed))), hex(wire(type, lower)), mixed);
  }
});

test('NSEC (RFC 6840 §5.1) and types with no embedded names in the list keep their case', () => {
  const cases: [number, string][] = [
    [RRType.NSEC, 'Host.Example. A NSEC'],
    [RRType.TXT, '"MiXeD"'],
    [RRType.CAA, '0 issue "CA.Example"'],
    [RRType.SVCB, '1 SVC.Example. alpn=H2'],
    [RRType.HINFO, '"CPU" "OS"'],
  ];
  for (const [type, text] of cases) {
    assert.equal(hasCanonicalNames(type), false, String(type));
    const w = wire(type, text);
    assert.equal(hex(canonicalRdata(type, w)), hex(w), text);
  }
});

test('obsolete types of the list: MD, MF, MB, MG, MR, MINFO, RT, PX, NXT, SIG, A6', () => {
  const name = (s: string) => Name.of(s).toWire();
  const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  const pref = Uint8Array.of(0, 10);
  const cases: [number, Uint8Array, Uint8Array][] = [
    [3, name('A.B'), name('a.b')], [4, name('A.B'), name('a.b')], [7, name('A.B'), name('a.b')],
    [8, name('A.B'), name('a.b')], [9, name('A.B'), name('a.b')],
    [14, cat(name('R.X'), name('E.X')), cat(name('r.x'), name('e.x'))],
    [21, cat(pref, name('RT.X')), cat(pref, name('rt.x'))],
    [26, cat(pref, name('P.X'), name('Q.X')), cat(pref, name('p.x'), name('q.x'))],
    [30, cat(name('N.X'), Uint8Array.of(0x40)), cat(name('n.x'), Uint8Array.of(0x40))],
    [24, cat(new Uint8Array(18).fill(0x41), name('S.X'), Uint8Array.of(0x41)),
      cat(new Uint8Array(18).fill(0x41), name('s.x'), Uint8Array.of(0x41))],
    // A6: prefix length 64, so 8 suffix octets (kept as they are) and then the prefix name.
    [38, cat(Uint8Array.of(64), new Uint8Array(8).fill(0x41), name('PFX.X')),
      cat(Uint8Array.of(64), new Uint8Array(8).fill(0x41), name('pfx.x'))],
    // A6 with prefix length 0: no name at all.
    [38, cat(Uint8Array.of(0), new Uint8Array(16).fill(0x41)), cat(Uint8Array.of(0), new Uint8Array(16).fill(0x41))],
  ];
  for (const [type, input, out] of cases) assert.equal(hex(canonicalRdata(type, input)), hex(out), String(type));
});

test('malformed RDATA comes back unchanged, and the input is never modified', () => {
  const bad = Uint8Array.of(0, 10, 3, 0x41, 0x42);
  const r = canonicalRdata(RRType.MX, bad);
  assert.deepEqual(r, bad);
  const good = wire(RRType.NS, 'UPPER.');
  const before = hex(good);
  canonicalRdata(RRType.NS, good);
  assert.equal(hex(good), before);
});

test('canonicalOwner is the lower-cased uncompressed wire form', () => {
  assert.equal(hex(canonicalOwner(Name.of('WwW.Example.'))), '03777777076578616d706c6500');
  assert.equal(hex(canonicalOwner(Name.root)), '00');
});
