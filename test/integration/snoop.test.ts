// Non-recursive (RD=0) queries end to end over real loopback UDP and TCP: the embedded lab on a
// random port, the daemon on 127.0.0.1:0 allowing 127.0.0.2 plainly and 127.0.0.5 through
// `allowSnoop`. A snooping client gets a cached answer as it is and, for a name not cached, a
// referral to the closest cached delegation; a plainly allowed client gets REFUSED + EDE 20 for
// every RD=0 query, cached or not; no RD=0 query ever makes the daemon ask the lab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/start.ts';
import type { LabHandle } from '../../src/lab/server.ts';
import { Name } from '../../src/wire/name.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import type { Message, RR } from '../../src/wire/types.ts';
import type { QuerySpec } from '../server/dns-client.ts';
import { ask } from './client.ts';
import { CLIENT, type LabDaemon, startLabDaemon } from './ede-support.ts';

const SNOOP_CLIENT = '127.0.0.5';

let daemon: LabDaemon | undefined;
let lab: LabHandle;
let app: App;
let port: number;
before(async () => {
  daemon = await startLabDaemon({ allowSnoop: [`${SNOOP_CLIENT}/32`] });
  ({ lab, app, port } = daemon);
});

after(async () => {
  await daemon?.close();
});

function q(name: string, type: number, more: Partial<QuerySpec> = {}): QuerySpec {
  return { name, type, edns: { dnssecOk: true }, ...more };
}

function aTexts(rrs: readonly RR[]): string[] {
  return rrs.filter((rr) => rr.type === RRType.A).map((rr) => rr.rdata.join('.')).sort();
}

function edeCodes(m: Message): number[] {
  return readEdes(m.edns).map((r) => r.ede);
}

test('RD=0: a cached answer to allowSnoop clients, a referral for what is not cached, REFUSED + EDE 20 to plain allow', async () => {
  const filled = await ask(q('www.secure.lab.', RRType.A), { port, from: CLIENT });
  assert.equal(filled.rcode, Rcode.NOERROR);
  assert.ok(aTexts(filled.answer).length > 0);
  const asked = lab.queryLog.length;

  for (const tcp of [false, true]) {
    const how = tcp ? 'TCP' : 'UDP';
    // The hit: the same data, RD echoed as 0, AD because it was validated, no EDE.
    const hit = await ask(q('www.secure.lab.', RRType.A, { rd: false }), { port, from: SNOOP_CLIENT, tcp });
    assert.equal(hit.rcode, Rcode.NOERROR, how);
    assert.equal(hit.flags.rd, false, how);
    assert.equal(hit.flags.ad, true, how);
    assert.deepEqual(aTexts(hit.answer), aTexts(filled.answer), how);
    assert.deepEqual(edeCodes(hit), [], how);

    // The miss: no answer, the NS set of a zone above the name, never the name's own data.
    const name = Name.of('never-asked.secure.lab.');
    const miss = await ask(q(name.toString(), RRType.A, { rd: false }), { port, from: SNOOP_CLIENT, tcp });
    assert.equal(miss.rcode, Rcode.NOERROR, how);
    assert.equal(miss.flags.aa, false, how);
    assert.deepEqual(miss.answer, [], how);
    const ns = miss.authority.filter((rr) => rr.type === RRType.NS);
    assert.ok(ns.length > 0, `${how}: a referral has NS records`);
    for (const rr of ns) assert.ok(name.isSubdomainOf(rr.name) && !rr.name.equals(name), `${how}: ${rr.name.toString()} NS is not above the name`);
    assert.ok(miss.additional.every((rr) => !rr.name.equals(name)), how);
    assert.deepEqual(edeCodes(miss), [], how);

    // Plain allow: REFUSED + EDE 20 even for the cached name, so its cache cannot be read.
    for (const qname of ['www.secure.lab.', 'never-asked.secure.lab.']) {
      const refused = await ask(q(qname, RRType.A, { rd: false }), { port, from: CLIENT, tcp });
      assert.equal(refused.rcode, Rcode.REFUSED, `${how} ${qname}`);
      assert.deepEqual(refused.answer, [], `${how} ${qname}`);
      assert.deepEqual(edeCodes(refused), [EdeCode.NOT_AUTHORITATIVE], `${how} ${qname}`);
    }
  }
  assert.equal(lab.queryLog.length, asked, 'an RD=0 query made the daemon ask the lab');
});

test('RD=0: after the zone\'s own signed NS answer, a referral into it carries its servers\' addresses as the zone signed them, and AD', async () => {
  // The zone's own answer to "secure.lab. NS" (with its servers' in-zone addresses, signed, in the
  // additional section) is validated with the zone's keys; the parent's glue never is.
  const filled = await ask(q('secure.lab.', RRType.NS), { port, from: CLIENT });
  assert.equal(filled.rcode, Rcode.NOERROR);
  assert.equal(filled.flags.ad, true);
  const asked = lab.queryLog.length;
  const miss = await ask(q('never-asked-either.secure.lab.', RRType.A, { rd: false }), { port, from: SNOOP_CLIENT });
  assert.equal(miss.rcode, Rcode.NOERROR);
  assert.equal(miss.flags.ad, true);
  assert.ok(miss.authority.some((rr) => rr.type === RRType.NS && rr.name.equals(Name.of('secure.lab.'))));
  const addresses = miss.additional.filter((rr) => rr.type === RRType.A && rr.name.equals(Name.of('ns1.secure.lab.')));
  assert.equal(addresses.length, 1, JSON.stringify(miss.additional.map((rr) => rr.name.toString())));
  assert.ok(miss.additional.some((rr) => rr.type === RRType.RRSIG && rr.name.equals(Name.of('ns1.secure.lab.'))), 'with its RRSIG');
  assert.equal(lab.queryLog.length, asked, 'an RD=0 query made the daemon ask the lab');
});
