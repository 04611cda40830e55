// Regenerates test/fixtures/wire/: real query bytes made by dig and real responses made by NSD and
// Unbound, so the codec tests do not only check our encoder against our decoder.
//
//   npx tsx scripts/capture-wire-fixtures.ts
//
// How: a signed zone (ldns-signzone) is served by nsd on 127.53.200.1; a validating unbound on
// 127.53.200.2 has stub zones pointing at it and a trust anchor, one of the zones signed with an
// expired validity window so unbound answers SERVFAIL with an Extended DNS Error. For each case dig
// queries a tiny UDP relay of ours; the relay records dig's query, forwards it to nsd or unbound,
// records the answer and hands it back to dig. Loopback only. Needs dig, nsd, unbound, ldns-*.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'wire');
const NSD_ADDR = '127.53.200.1';
const UNBOUND_ADDR = '127.53.200.2';
const RELAY_ADDR = '127.0.0.1';
const port = 20000 + Math.floor(Math.random() * 20000);
const NSD_PORT = port;
const UNBOUND_PORT = port + 1;

type Upstream = 'nsd' | 'unbound' | 'none';
interface Case {
  readonly name: string;
  readonly upstream: Upstream;
  readonly args: readonly string[];
  readonly note: string;
}

const cases: Case[] = [
  { name: 'a-norecurse', upstream: 'nsd', args: ['www.wire.test', 'A', '+norecurse', '+nocookie'], note: 'plain A, EDNS without options' },
  { name: 'mx-dnssec', upstream: 'nsd', args: ['wire.test', 'MX', '+dnssec', '+nocookie'], note: 'MX + RRSIG + glue in additional, compressed RDATA names' },
  { name: 'soa-nsid', upstream: 'nsd', args: ['wire.test', 'SOA', '+nsid', '+nocookie'], note: 'NSID request and NSID answer' },
  { name: 'cookie', upstream: 'nsd', args: ['www.wire.test', 'AAAA', '+cookie'], note: 'client cookie in the query' },
  { name: 'padding', upstream: 'nsd', args: ['www.wire.test', 'A', '+padding=128', '+nocookie'], note: 'query padded to 128 octets' },
  { name: 'unknown-option', upstream: 'nsd', args: ['www.wire.test', 'TXT', '+ednsopt=65001:deadbeef', '+nocookie'], note: 'unknown EDNS option 65001 kept as bytes' },
  { name: 'noedns', upstream: 'nsd', args: ['www.wire.test', 'A', '+noedns'], note: 'no OPT record at all' },
  { name: 'badvers', upstream: 'nsd', args: ['www.wire.test', 'A', '+edns=1', '+noednsneg', '+nocookie'], note: 'EDNS version 1 → extended RCODE BADVERS' },
  { name: 'tc', upstream: 'nsd', args: ['wire.test', 'DNSKEY', '+dnssec', '+bufsize=512', '+ignore', '+nocookie'], note: 'response does not fit 512 → TC' },
  { name: 'nxdomain-nsec', upstream: 'nsd', args: ['nope.wire.test', 'A', '+dnssec', '+nocookie'], note: 'NSEC proofs: uncompressed next names and signer names' },
  { name: 'srv', upstream: 'nsd', args: ['_sip._udp.wire.test', 'SRV', '+nocookie'], note: 'SRV target name' },
  { name: 'cname', upstream: 'nsd', args: ['alias.wire.test', 'A', '+nocookie'], note: 'CNAME chain inside the zone' },
  { name: 'mixed-case', upstream: 'nsd', args: ['WwW.WiRe.TeSt', 'A', '+nocookie'], note: 'case of the question preserved in the answer' },
  { name: 'rp-naptr', upstream: 'nsd', args: ['wire.test', 'NAPTR', '+nocookie'], note: 'NAPTR with replacement name' },
  { name: 'all-flags', upstream: 'none', args: ['www.wire.test', 'A', '+aaflag', '+adflag', '+cdflag', '+raflag', '+tcflag', '+zflag', '+recurse', '+nocookie'], note: 'every header flag a query can carry' },
  { name: 'via-unbound-secure', upstream: 'unbound', args: ['www.wire.test', 'A', '+dnssec', '+nocookie'], note: 'validated: AD and RA set' },
  { name: 'via-unbound-expired', upstream: 'unbound', args: ['www.expired.test', 'A', '+nocookie'], note: 'SERVFAIL with EDE (signature expired)' },
];

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function zoneText(origin: string): string {
  return `$ORIGIN ${origin}.
$TTL 3600
@       IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@       IN NS  ns1
@       IN NS  ns2.${origin}.
@       IN MX  10 mail
@       IN MX  20 mail2.${origin}.
@       IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
ns1     IN A   127.53.200.1
ns2     IN A   127.53.200.3
mail    IN A   192.0.2.25
mail2   IN AAAA 2001:db8::25
www     IN A   192.0.2.80
www     IN A   192.0.2.81
www     IN AAAA 2001:db8::80
www     IN TXT "hello" "wire"
alias   IN CNAME www
_sip._udp IN SRV 10 5 5060 www
`;
}

function signZone(dir: string, origin: string, extra: string[]): string {
  writeFileSync(join(dir, origin), zoneText(origin));
  const ksk = run('ldns-keygen', ['-a', 'RSASHA256', '-b', '2048', '-k', origin], dir);
  const zsk = run('ldns-keygen', ['-a', 'RSASHA256', '-b', '1024', origin], dir);
  run('ldns-signzone', [...extra, '-f', `${origin}.signed`, origin, ksk, zsk], dir);
  return readFileSync(join(dir, `${ksk}.key`), 'utf8');
}

/** Starts a foreground daemon; the returned function stops it and resolves once it has exited. */
function startDaemon(cmd: string, args: string[], dir: string): () => Promise<void> {
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  return () => {
    child.kill('SIGTERM');
    return exited;
  };
}

async function waitForServer(addr: string, p: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = spawnSync('dig', [`@${addr}`, '-p', String(p), 'wire.test', 'SOA', '+tries=1', '+time=1', '+short']);
    if (r.status === 0 && r.stdout.toString().trim() !== '') return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`server at ${addr}:${p} did not come up`);
}

/** Runs dig against a relay; returns the query dig sent and the upstream response, if any. */
async function capture(c: Case): Promise<{ query: Buffer; response?: Buffer }> {
  const relay = createSocket('udp4');
  const upstream = createSocket('udp4');
  await new Promise<void>((res) => relay.bind(0, RELAY_ADDR, res));
  await new Promise<void>((res) => upstream.bind(0, '127.0.0.1', res));
  const relayPort = relay.address().port;
  let query: Buffer | undefined;
  let response: Buffer | undefined;
  relay.on('message', (msg, rinfo) => {
    if (query !== undefined) return; // +tries=1: only one datagram expected
    query = msg;
    if (c.upstream === 'none') return;
    upstream.once('message', (resp) => {
      response = resp;
      relay.send(resp, rinfo.port, rinfo.address);
    });
    upstream.send(msg, c.upstream === 'nsd' ? NSD_PORT : UNBOUND_PORT, c.upstream === 'nsd' ? NSD_ADDR : UNBOUND_ADDR);
  });
  const dig = spawn('dig', [`@${RELAY_ADDR}`, '-p', String(relayPort), ...c.args, '+tries=1', '+time=2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  dig.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((res) => dig.on('exit', () => res()));
  relay.close();
  upstream.close();
  if (query === undefined) throw new Error(`${c.name}: dig sent nothing`);
  if (c.upstream !== 'none' && response === undefined) throw new Error(`${c.name}: no upstream response`);
  writeFileSync(join(OUT, `${c.name}.dig.txt`), out);
  return response === undefined ? { query } : { query, response };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-wire-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const wireKsk = signZone(dir, 'wire.test', []);
    // Validity window entirely in the past: unbound must call it expired.
    const expiredKsk = signZone(dir, 'expired.test', ['-i', '20200101000000', '-e', '20200201000000']);
    writeFileSync(join(dir, 'anchors'), wireKsk + expiredKsk);
    writeFileSync(
      join(dir, 'nsd.conf'),
      `server:
  ip-address: ${NSD_ADDR}
  port: ${NSD_PORT}
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  database: ""
  pidfile: "${dir}/nsd.pid"
  xfrdfile: "${dir}/xfrd.state"
  zonelistfile: "${dir}/zone.list"
  xfrdir: "${dir}"
  logfile: "${dir}/nsd.log"
  server-count: 1
  nsid: "ascii_anchord-nsd"
remote-control:
  control-enable: no
zone:
  name: wire.test
  zonefile: wire.test.signed
zone:
  name: expired.test
  zonefile: expired.test.signed
`,
    );
    writeFileSync(
      join(dir, 'unbound.conf'),
      `server:
  interface: ${UNBOUND_ADDR}
  port: ${UNBOUND_PORT}
  do-ip6: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${dir}/unbound.pid"
  use-syslog: no
  logfile: "${dir}/unbound.log"
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "validator iterator"
  trust-anchor-file: "${dir}/anchors"
  ede: yes
  val-log-level: 2
  qname-minimisation: no
  discard-timeout: 0
  # RFC 6761 reserves test.; unbound answers it locally unless told not to.
  local-zone: "test." nodefault
stub-zone:
  name: "wire.test"
  stub-addr: ${NSD_ADDR}@${NSD_PORT}
stub-zone:
  name: "expired.test"
  stub-addr: ${NSD_ADDR}@${NSD_PORT}
`,
    );
    stops.push(startDaemon('nsd', ['-d', '-c', join(dir, 'nsd.conf')], dir));
    await waitForServer(NSD_ADDR, NSD_PORT);
    stops.push(startDaemon('unbound', ['-d', '-c', join(dir, 'unbound.conf')], dir));
    await waitForServer(UNBOUND_ADDR, UNBOUND_PORT);

    mkdirSync(OUT, { recursive: true });
    const manifest: { name: string; upstream: Upstream; args: readonly string[]; note: string; response: boolean }[] = [];
    for (const c of cases) {
      const r = await capture(c);
      writeFileSync(join(OUT, `${c.name}.query.hex`), r.query.toString('hex') + '\n');
      if (r.response !== undefined) writeFileSync(join(OUT, `${c.name}.response.hex`), r.response.toString('hex') + '\n');
      manifest.push({ name: c.name, upstream: c.upstream, args: c.args, note: c.note, response: r.response !== undefined });
      console.log(`${c.name}: query ${r.query.length} octets, response ${r.response?.length ?? '-'} octets`);
    }
    writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ tools: { dig: spawnSync('dig', ['-v'], { encoding: 'utf8' }).stderr.trim(), nsd: '4.6.1', unbound: '1.17.1' }, cases: manifest }, null, 2) + '\n');
  } finally {
    for (const stop of stops) await stop();
    if (process.env.KEEP_CAPTURE_DIR) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
