// Trust anchors from zone-file text: the IANA root anchors, the lab anchor, DNSKEY anchors, and
// the closest-anchor and negative-anchor look-ups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Name } from '../../src/wire/name.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import {
  anchorKeyTags, builtinRootAnchors, closestAnchor, loadTrustAnchorFile, mergeAnchors, negativeAnchorFor, parseTrustAnchors,
} from '../../src/dnssec/anchors.ts';

test('anchors: the built-in IANA root anchors are KSK-2017 and KSK-2024', () => {
  const a = builtinRootAnchors();
  assert.ok(a.ok);
  assert.equal(a.anchors.length, 1);
  assert.ok(a.anchors[0].zone.isRoot);
  assert.deepEqual(anchorKeyTags(a.anchors[0]), [20326, 38696]);
});

test('anchors: the lab trust anchor is the lab root KSK 29791', () => {
  const a = loadTrustAnchorFile(join(DEFAULT_ZONES_DIR, 'trust-anchor'));
  assert.ok(a.ok);
  assert.deepEqual(anchorKeyTags(a.anchors[0]), [29791]);
});

test('anchors: DNSKEY anchors (root.key style) get their computed key tag', () => {
  // RFC 4034 §5.4 example key (dskey.example.com.), tag 60485.
  const a = parseTrustAnchors(`dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
    fwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLU
    Uh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw== )`);
  assert.ok(a.ok);
  assert.equal(a.anchors[0].dnskeys.length, 1);
  assert.deepEqual(anchorKeyTags(a.anchors[0]), [60485]);
});

test('anchors: errors are values', () => {
  assert.equal(loadTrustAnchorFile('/nonexistent/anchor').ok, false);
  assert.equal(parseTrustAnchors('; nothing here\n').ok, false);
  assert.equal(parseTrustAnchors('. 3600 IN DS 1 8 2 zz-not-hex').ok, false);
});

test('anchors: the closest anchor wins; negative anchors cover their subtree', () => {
  const root = parseTrustAnchors('. 3600 IN DS 29791 8 2 E2BCA181402F5BC33CB2385748A0158C24636B6E029B5A5BA77C4AB9B5880044');
  const lab = parseTrustAnchors('lab. 3600 IN DS 1 13 2 E2BCA181402F5BC33CB2385748A0158C24636B6E029B5A5BA77C4AB9B5880044');
  assert.ok(root.ok && lab.ok);
  const all = mergeAnchors([root.anchors, lab.anchors, root.anchors]);
  assert.equal(all.length, 2);
  assert.equal(all.find((a) => a.zone.isRoot)?.ds.length, 2);
  assert.equal(closestAnchor(all, Name.of('www.secure.lab'))?.zone.toString(), 'lab.');
  assert.equal(closestAnchor(all, Name.of('www.test'))?.zone.toString(), '.');
  assert.equal(closestAnchor(lab.anchors, Name.of('www.test')), undefined);
  const ntas = [Name.of('broken.example'), Name.of('example')];
  assert.equal(negativeAnchorFor(ntas, Name.of('a.broken.example'))?.toString(), 'broken.example.');
  assert.equal(negativeAnchorFor(ntas, Name.of('example'))?.toString(), 'example.');
  assert.equal(negativeAnchorFor(ntas, Name.of('test')), undefined);
});
