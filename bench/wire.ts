// Encodes/decodes per second for a typical signed response (the captured NSD answer to
// "wire.test MX +dnssec": MX set + RRSIG, NS-less additional glue with RRSIGs, OPT; ~1.2 kB),
// with dns-packet measured in the same run as the yardstick. Not part of npm test.
//
//   npx tsx bench/wire.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { decodeMessage, encodeMessage } from '../src/wire/message.ts';

const hex = readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'wire', 'mx-dnssec.response.hex'), 'utf8').trim();
const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
const decoded = decodeMessage(bytes);
if (!decoded.ok) throw new Error(decoded.error);
const msg = decoded.message;
const records = msg.answer.length + msg.authority.length + msg.additional.length + (msg.edns ? 1 : 0);
const theirs = dnsPacket.decode(Buffer.from(bytes));

/** Runs `fn` repeatedly for ~`ms` milliseconds after a warm-up; returns operations per second. */
function rate(fn: () => unknown, ms = 1500): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    elapsed = process.hrtime.bigint() - start;
  }
  return (n * 1e9) / Number(elapsed);
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
const ourDecode = rate(() => decodeMessage(bytes));
const ourEncode = rate(() => encodeMessage(msg));
const ourEncodeRaw = rate(() => encodeMessage(msg, { compress: false }));
const dpDecode = rate(() => dnsPacket.decode(Buffer.from(bytes)));
const dpEncode = rate(() => dnsPacket.encode(theirs));

console.log(`message: ${bytes.length} octets, ${records} records (incl. OPT)`);
console.log(`decode            ${fmt(ourDecode)} /s   dns-packet ${fmt(dpDecode)} /s   ratio ${(ourDecode / dpDecode).toFixed(2)}`);
console.log(`encode (compress) ${fmt(ourEncode)} /s   dns-packet ${fmt(dpEncode)} /s   ratio ${(ourEncode / dpEncode).toFixed(2)} (dns-packet does not compress)`);
console.log(`encode (plain)    ${fmt(ourEncodeRaw)} /s`);
