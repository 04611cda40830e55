// The EDE option exactly as it leaves the daemon, read from the raw response bytes with nothing of
// our decoder (RFC 6891 §6.1.2 OPT layout, RFC 8914 §2 option layout), and as dig renders it: dig
// (bind9-dnsutils) is an independent decoder, so its "; EDE: 7 (Signature Expired): (...)" line
// confirms the bytes mean what we think. CI installs dig; without it the dig test fails, loudly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { App } from '../../src/app/start.ts';
import type { LabHandle } from '../../src/lab/server.ts';
import { CLIENT, type LabDaemon, sendRaw, startLabDaemon, u16 } from './ede-support.ts';

// Written out by hand on purpose: these tests must not share constants with the code they check.
const TYPE_OPT = 41;
const OPTION_EDE = 15;
const INFO_SIGNATURE_EXPIRED = 7;
const INFO_CACHED_ERROR = 13;
const RCODE_SERVFAIL = 2;
const DO_BIT = 0x8000;
const OUR_UDP_SIZE = 1232;
/** The lab's expired.test. keys were signed with a window that ended 2024-01-01 (zones/lab/lab.json). */
const EXPIRED_TEXT = 'RRSIG for expired.test. DNSKEY by expired.test. key 56380 alg 13 expired 2024-01-01T00:00:00Z (valid 2023-01-01T00:00:00Z to 2024-01-01T00:00:00Z)';

let daemon: LabDaemon | undefined;
let lab: LabHandle;
let app: App;
let port: number;

before(async () => {
  daemon = await startLabDaemon();
  ({ lab, app, port } = daemon);
});

after(async () => {
  await daemon?.close();
});

/** `www.expired.test. A IN` with an OPT (udp 1232, DO=1), built byte by byte. */
function expiredQuery(id: number, name: string): Uint8Array {
  const qname: number[] = [];
  for (const label of name.split('.').filter((l) => l.length > 0)) qname.push(label.length, ...new TextEncoder().encode(label));
  qname.push(0);
  return Uint8Array.from([
    id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1, // header: RD, QDCOUNT 1, ARCOUNT 1
    ...qname, 0, 1, 0, 1, // A IN
    0, 0, TYPE_OPT, OUR_UDP_SIZE >> 8, OUR_UDP_SIZE & 0xff, 0, 0, DO_BIT >> 8, 0, 0, 0, // OPT, no options
  ]);
}

/** The OPT RR of a response with empty answer and authority sections, located by hand. */
function optOf(r: Uint8Array): { klass: number; ttl: number; rdata: Uint8Array } {
  assert.equal(u16(r, 6), 0, 'ANCOUNT');
  assert.equal(u16(r, 8), 0, 'NSCOUNT');
  assert.equal(u16(r, 10), 1, 'ARCOUNT: the OPT alone');
  assert.equal(u16(r, 4), 1, 'QDCOUNT');
  let at = 12;
  while (r[at] !== 0) {
    assert.ok(r[at] < 64, 'the echoed question is not compressed');
    at += r[at] + 1;
  }
  at += 1 + 4; // root label, QTYPE, QCLASS
  assert.equal(r[at], 0, 'OPT owner is the root');
  assert.equal(u16(r, at + 1), TYPE_OPT);
  const klass = u16(r, at + 3);
  const ttl = ((u16(r, at + 5) << 16) | u16(r, at + 7)) >>> 0;
  const rdlen = u16(r, at + 9);
  const rdata = r.subarray(at + 11, at + 11 + rdlen);
  assert.equal(at + 11 + rdlen, r.length, 'nothing after the OPT record');
  return { klass, ttl, rdata };
}

function edeOption(info: number, text: string): number[] {
  const t = [...new TextEncoder().encode(text)];
  const len = 2 + t.length;
  return [0, OPTION_EDE, len >> 8, len & 0xff, info >> 8, info & 0xff, ...t];
}

test('www.expired.test. A: the EDE option bytes exactly (code 15, length, info-code 7, UTF-8 EXTRA-TEXT)', async () => {
  const id = 0x4e44;
  const r = await sendRaw(expiredQuery(id, 'www.expired.test.'), { port, timeoutMs: 12_000 });
  assert.ok(r !== null, 'no response');
  assert.equal(u16(r, 0), id);
  assert.equal(r[3] & 0x0f, RCODE_SERVFAIL, 'RCODE');
  assert.equal(r[2] & 0x80, 0x80, 'QR');
  const opt = optOf(r);
  assert.equal(opt.klass, OUR_UDP_SIZE);
  assert.equal(opt.ttl, DO_BIT, 'extended RCODE 0, version 0, DO echoed');
  assert.deepEqual([...opt.rdata], edeOption(INFO_SIGNATURE_EXPIRED, EXPIRED_TEXT));

  // Again, from the bogus cache: the same option, then EDE 13 with its own text.
  const again = await sendRaw(expiredQuery(id + 1, 'www.expired.test.'), { port, timeoutMs: 12_000 });
  assert.ok(again !== null);
  const opt2 = optOf(again);
  const first = edeOption(INFO_SIGNATURE_EXPIRED, EXPIRED_TEXT);
  assert.deepEqual([...opt2.rdata.subarray(0, first.length)], first);
  const cachedText = 'validation failure for www.expired.test. A answered from cache; not re-checked until the bogus verdict expires';
  assert.deepEqual([...opt2.rdata.subarray(first.length)], edeOption(INFO_CACHED_ERROR, cachedText));
});

function dig(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('dig is not on PATH: install bind9-dnsutils (Debian/Ubuntu) to run the EDE rendering test; CI installs it'));
        return;
      }
      if (err !== null) {
        reject(new Error(`dig failed: ${err.message}\n${stderr}`));
        return;
      }
      resolve(stdout);
    });
  });
}

test("dig's own rendering: '; EDE: 7 (Signature Expired): (...)' and, from the cache, '; EDE: 13 (Cached Error)'", async () => {
  const name = 'sub.expired.test.';
  const args = ['@127.0.0.1', '-p', String(port), '-b', CLIENT, name, 'A', '+dnssec', '+time=10', '+tries=1', '+nocookie'];
  const out = await dig(args);
  assert.match(out, /status: SERVFAIL/, out);
  const edeLines = out.split('\n').filter((l) => l.startsWith('; EDE:'));
  assert.deepEqual(edeLines, [`; EDE: 7 (Signature Expired): (${EXPIRED_TEXT})`], out);
  const cached = await dig(args);
  const cachedLines = cached.split('\n').filter((l) => l.startsWith('; EDE:'));
  assert.equal(cachedLines.length, 2, cached);
  assert.equal(cachedLines[0], `; EDE: 7 (Signature Expired): (${EXPIRED_TEXT})`);
  assert.match(cachedLines[1], /^; EDE: 13 \(Cached Error\): \(validation failure for sub\.expired\.test\. A answered from cache; .*\)$/);
});
