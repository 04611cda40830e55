// RDATA of types the resolver only transports is relayed as the authority sent it, even when it
// does not decode for its type (RFC 3597 §§3–4; RFC 9460 §2.2 malformed HTTPS), while the types the
// resolver reads itself (addresses, NS, SOA, DNSSEC) are still scrubbed when they do not decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RR } from '../../src/wire/types.ts';
import { classifyResponse } from '../../src/resolver/classify.ts';
import { rdataToText } from '../../src/wire/rdata/index.ts';
import { authoritativeAnswer, reply } from './fake-hierarchy.ts';
import { hierarchy, LAB, labZone, query, setup } from './hierarchy.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
/** alpn twice (a repeated SvcParamKey). */
const REPEATED_KEY = hex('0001 00 0001 0003 026832 0001 0003 026833');
/** alpn claims 4 octets and 2 follow (a value cut short inside a sound RDLENGTH). */
const CUT_SHORT = hex('0001 00 0001 0004 0268');
/** ipv4hint 192.0.2.7, then ipv4hint again with a private address (a lenient client may use it). */
const PRIVATE_SECOND_HINT = hex('0001 00 0004 0004 c0000207 0004 0004 0a000001');

const https = (owner: string, rdata: Uint8Array): RR => ({ name: Name.of(owner), type: RRType.HTTPS, class: RRClass.IN, ttl: 300, rdata });
const opts = (question: Question) => ({ zone: Name.of('lab'), question, forwarding: false, maxLinks: 16 });

test('classify: undecodable HTTPS is kept; undecodable A, NS and SOA are still scrubbed', () => {
  const q: Question = { name: Name.of('www.lab'), type: RRType.HTTPS, class: RRClass.IN };
  const c = classifyResponse(reply(q, Rcode.NOERROR, true, [https('www.lab', REPEATED_KEY), https('www.lab', CUT_SHORT)], []), opts(q));
  assert.equal(c.kind, 'answer');
  if (c.kind !== 'answer' || c.answer.end.kind !== 'data') return assert.fail('expected data');
  assert.equal(c.dropped, 0);
  assert.deepEqual(c.answer.end.rrsets[0].rdata, [REPEATED_KEY, CUT_SHORT]);

  // Beside it, an interpreted type that does not decode: a 5-octet glue A, an NS name cut short.
  const badA: RR = { name: Name.of('ns.lab'), type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 1, 9) };
  const badNs: RR = { name: Name.of('lab'), type: RRType.NS, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(2, 0x6e, 0x73) };
  const mixed = classifyResponse(reply(q, Rcode.NOERROR, true, [https('www.lab', CUT_SHORT)], [badNs], [badA]), opts(q));
  assert.equal(mixed.kind, 'answer');
  if (mixed.kind === 'answer') assert.equal(mixed.dropped, 2);

  // An answer of only undecodable interpreted RDATA is still unusable.
  const qa: Question = { ...q, type: RRType.SOA };
  const badSoa: RR = { name: Name.of('www.lab'), type: RRType.SOA, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(0, 0) };
  const lame = classifyResponse(reply(qa, Rcode.NOERROR, true, [badSoa], []), opts(qa));
  assert.equal(lame.kind, 'lame');
  if (lame.kind === 'lame') assert.match(lame.why, /malformed RDATA in the answer/);
});

function serveHttps(rdata: (name: Name) => Uint8Array | undefined) {
  return hierarchy().serve(LAB, {
    kind: 'custom',
    answer: (q) => {
      const r = q.type === RRType.HTTPS ? rdata(q.name) : undefined;
      return r === undefined ? authoritativeAnswer([labZone], q) : reply(q, Rcode.NOERROR, true, [https(q.name.toString(), r)], []);
    },
  });
}

test('resolver: malformed HTTPS RDATA is answered and cached byte-exact, printed in RFC 3597 form', async () => {
  const served = new Map([['www.lab.', REPEATED_KEY], ['b.lab.', CUT_SHORT]]);
  const { resolver } = setup({}, serveHttps((n) => served.get(n.toString())));
  for (const [name, rdata] of served) {
    const o = await resolver.resolve(query(name, RRType.HTTPS));
    assert.equal(o.rcode, Rcode.NOERROR, `${name}: ${JSON.stringify(o.reasons)}`);
    assert.deepEqual(o.answer.map((s) => s.rdata), [[rdata]], name);
    assert.match(rdataToText(RRType.HTTPS, o.answer[0].rdata[0]), /^\\# \d+ [0-9A-F]+$/);
    const cached = await resolver.resolve(query(name, RRType.HTTPS, { rd: false }));
    assert.equal(cached.rcode, Rcode.NOERROR, name);
    assert.deepEqual(cached.answer.map((s) => s.rdata), [[rdata]], `${name} from the cache`);
  }
});

test('resolver: DNS-rebinding protection reads the hints of malformed HTTPS RDATA too', async () => {
  const net = serveHttps((n) => (n.equals(Name.of('www.lab')) ? PRIVATE_SECOND_HINT : undefined));
  const filtered = setup({ privateAddresses: [{ network: '10.0.0.0', prefix: 8, family: 4 }] }, net).resolver;
  const o = await filtered.resolve(query('www.lab', RRType.HTTPS));
  assert.equal(o.rcode, Rcode.NOERROR);
  assert.deepEqual(o.answer, []);
  // Without the filter the same record is relayed.
  const plain = setup({}, net).resolver;
  assert.equal((await plain.resolve(query('www.lab', RRType.HTTPS))).answer.length, 1);
});
