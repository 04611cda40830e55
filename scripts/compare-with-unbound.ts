// Asks two running resolvers (anchord and Unbound) the same questions with dig, one at a time and in
// the same order (so both caches see the same history), and prints where they differ: rcode, AD,
// EDE codes, the answer RRsets (owner lower-cased, TTL dropped, sorted), SOA in the authority section
// of negative answers (RFC 2308 §3), and whether the question was echoed with the client's case.
// Driven by scripts/compare-with-unbound.sh, which starts NSD, Unbound and anchord; not part of
// `npm test`. Loopback only: the script refuses resolver addresses outside 127.0.0.0/8.
//
// Usage: node --import tsx scripts/compare-with-unbound.ts plan LABDIR TITLE > PLAN.json
//        node --import tsx scripts/compare-with-unbound.ts nsd LABDIR > ADDRESSES   (address zone=file ...)
//        node --import tsx scripts/compare-with-unbound.ts run PLAN.json anchord=127.0.0.1:p1 unbound=127.0.0.1:p2 [--markdown OUT.md]
// LABDIR holds a lab.json in the format of zones/lab/lab.json (zones, specialServers, cases).
// PLAN.json: { "title": string, "queries": Query[] } — see interface Query.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

interface Query {
  readonly qname: string;
  readonly qtype: string;
  /** dig options, e.g. ["+dnssec"], ["+nodnssec", "+noadflag"], ["+cd", "+dnssec"]. */
  readonly flags: readonly string[];
  /** Where the query comes from: "case" (lab.json), "variant", "probe". */
  readonly origin: string;
  /** CH for the version.bind probe; IN when absent. */
  readonly qclass?: string;
  /** What a correct resolver answers, when known (lab.json cases and their variants). */
  readonly expect?: { readonly rcode: string; readonly ad: boolean; readonly ede: number | null; readonly edeAlternatives?: readonly number[] };
}

interface Reply {
  readonly timeout: boolean;
  readonly rcode: string;
  readonly ad: boolean;
  readonly ede: readonly number[];
  readonly edeText: readonly string[];
  readonly answer: readonly string[];
  readonly negSoa: boolean;
  readonly caseEcho: boolean;
  readonly tc: boolean;
  /** The reply carried an OPT record (only allowed if the query did, RFC 6891 §7). */
  readonly opt: boolean;
}

interface Server {
  readonly label: string;
  readonly host: string;
  readonly port: number;
}

const DIG_TIMEOUT_S = 12;

function parseServer(arg: string | undefined, label: string): Server {
  const m = /^([^=]+)=(127\.\d+\.\d+\.\d+):(\d+)$/.exec(arg ?? '');
  if (m === null) throw new Error(`expected ${label}=127.x.y.z:PORT, got ${arg ?? '(nothing)'}`);
  return { label: m[1] ?? label, host: m[2] ?? '', port: Number(m[3]) };
}

function dig(server: Server, q: Query): Promise<string> {
  // dig's +bufsize turns EDNS back on, so it is left out when the query must go without EDNS.
  const size = q.flags.includes('+noedns') ? [] : ['+bufsize=1232'];
  const args = [`@${server.host}`, '-p', String(server.port), ...size, '+nocookie', `+time=${DIG_TIMEOUT_S}`, '+tries=1', ...q.flags, q.qname, ...(q.qclass !== undefined ? [q.qclass] : []), q.qtype];
  return new Promise((resolve) => {
    // dig exits non-zero on a timeout; the text still says so, which is what we compare.
    execFile('dig', args, { timeout: (DIG_TIMEOUT_S + 5) * 1000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
  });
}

/** Types whose RDATA is (mostly) domain names: their case is not data (RFC 4343), and resolvers differ
 *  in it (Unbound compresses a CNAME target against the client's mixed-case QNAME). Base64 is data. */
const NAME_RDATA_TYPES = new Set(['CNAME', 'DNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'NSEC']);

/** Drop TTLs and owner case; keep RRSIG RDATA (it differs only if the data differs). */
function normaliseRecord(line: string): string {
  const f = line.split(/\s+/);
  if (f.length < 4) return line;
  const [owner, , cls, type, ...rdata] = f;
  const r = rdata.join(' ');
  return [owner?.toLowerCase(), cls, type, NAME_RDATA_TYPES.has(type ?? '') ? r.toLowerCase() : r].join(' ');
}

function parseReply(text: string, q: Query): Reply {
  let rcode = '?';
  let ad = false;
  let section = '';
  let caseEcho = false;
  let tc = false;
  let opt = false;
  const ede: number[] = [];
  const edeText: string[] = [];
  const answer: string[] = [];
  let negSoa = false;
  const timeout = /connection timed out|no servers could be reached|communications error/.test(text) && !/->>HEADER<<-/.test(text);
  for (const line of text.split('\n')) {
    const h = /^;; ->>HEADER<<- opcode: \w+, status: (\w+)/.exec(line);
    if (h !== null) { rcode = h[1] ?? '?'; continue; }
    const fl = /^;; flags:([^;]*);/.exec(line);
    if (fl !== null) { const f = (fl[1] ?? '').split(/\s+/); ad = f.includes('ad'); tc = f.includes('tc'); continue; }
    if (line.startsWith(';; OPT PSEUDOSECTION:')) { opt = true; continue; }
    const e = /^; EDE: (\d+)(.*)$/.exec(line);
    if (e !== null) { ede.push(Number(e[1])); edeText.push(`${e[1]}${(e[2] ?? '').slice(0, 90)}`); continue; }
    const s = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (s !== null) { section = s[1] ?? ''; continue; }
    if (section === 'QUESTION' && line.startsWith(';') && line.length > 1) {
      caseEcho = line.slice(1).split(/\s+/)[0] === (q.qname.endsWith('.') ? q.qname : q.qname + '.');
      continue;
    }
    if (line.startsWith(';') || line.trim() === '') { if (line.trim() === '') section = section === 'QUESTION' ? '' : section; continue; }
    if (section === 'ANSWER') answer.push(normaliseRecord(line));
    if (section === 'AUTHORITY' && line.split(/\s+/)[3] === 'SOA') negSoa = true;
  }
  answer.sort();
  ede.sort((a, b) => a - b);
  return { timeout, rcode: timeout ? 'TIMEOUT' : rcode, ad, ede, edeText, answer, negSoa, caseEcho, tc, opt };
}

function show(r: Reply): string {
  return `${r.rcode}${r.ad ? ' AD' : ''}${r.tc ? ' TC' : ''}${r.ede.length > 0 ? ` EDE ${r.ede.join(',')}` : ''}`;
}

function expectText(q: Query): string {
  const e = q.expect;
  if (e === undefined) return '';
  return `${e.rcode}${e.ad ? ' AD' : ''}${e.ede !== null ? ` EDE ${e.ede}` : ''}`;
}

/** Does a reply meet the expectation (rcode, AD; EDE when one is expected)? */
function meets(r: Reply, q: Query): boolean | undefined {
  const e = q.expect;
  if (e === undefined) return undefined;
  if (r.rcode !== e.rcode || r.ad !== e.ad) return false;
  if (e.ede === null) return true;
  return r.ede.includes(e.ede) || (e.edeAlternatives ?? []).some((x) => r.ede.includes(x));
}

function differences(a: Reply, b: Reply, qtype: string): string[] {
  const d: string[] = [];
  if (a.rcode !== b.rcode) d.push('rcode');
  if (a.ad !== b.ad) d.push('AD');
  if (a.ede.join(',') !== b.ede.join(',')) d.push('EDE');
  // ANY may be answered with a subset (RFC 8482), and which subset depends on the cache: only
  // "something" versus "nothing" is compared.
  if (qtype === 'ANY' ? (a.answer.length > 0) !== (b.answer.length > 0) : a.answer.join('\n') !== b.answer.join('\n')) d.push('answer');
  const negative = (r: Reply): boolean => r.rcode === 'NXDOMAIN' || (r.rcode === 'NOERROR' && r.answer.length === 0);
  if (negative(a) && negative(b) && a.negSoa !== b.negSoa) d.push('negSOA');
  if (a.caseEcho !== b.caseEcho) d.push('case');
  if (a.tc !== b.tc) d.push('TC');
  if (a.opt !== b.opt) d.push('OPT');
  return d;
}

interface LabJson {
  readonly zones: readonly { readonly name: string; readonly file: string; readonly denial?: string; readonly servers: readonly { readonly address: string }[] }[];
  readonly specialServers?: readonly { readonly address: string; readonly mode: string; readonly delegation?: string }[];
    /** ad null: no single right answer (policy differences); such cases are compared, not judged. */
  readonly cases: readonly { readonly qname: string; readonly qtype: string; readonly rcode: string; readonly ad: boolean | null; readonly ede: number | null }[];
}

function readLab(dir: string): LabJson {
  return JSON.parse(readFileSync(`${dir}/lab.json`, 'utf8')) as LabJson;
}

/** NSD instances: one per address, each with exactly the zones lab.json gives it (none: REFUSED, i.e. lame). */
function nsdPlan(dir: string): string {
  const lab = readLab(dir);
  const byAddr = new Map<string, string[]>();
  for (const z of lab.zones) for (const s of z.servers) byAddr.set(s.address, [...(byAddr.get(s.address) ?? []), `${z.name}=${z.file}`]);
  for (const s of lab.specialServers ?? []) if (s.mode === 'lame') byAddr.set(s.address, []);
  return [...byAddr].map(([addr, zones]) => [addr, ...zones].join(' ')).join('\n') + '\n';
}

/** Mixed case, deterministic: "www.secure.lab." -> "WwW.SeCuRe.LaB." (RFC 4343; 0x20 resolvers must echo it). */
function mixCase(name: string): string {
  let i = 0;
  return name.replace(/[a-z]/gi, (c) => (i++ % 2 === 0 ? c.toUpperCase() : c.toLowerCase()));
}

const UNREACHABLE_EDES = [22, 23];

function queryPlan(dir: string, title: string): { title: string; queries: Query[] } {
  const lab = readLab(dir);
  const queries: Query[] = [];
  const seen = new Set<string>();
  const add = (q: Query): void => {
    const key = `${q.qname} ${q.qclass ?? 'IN'} ${q.qtype} ${q.flags.join(' ')}`;
    if (seen.has(key)) return;
    seen.add(key);
    queries.push(q);
  };
  for (const c of lab.cases) {
    const known = c.ad === null ? undefined : { rcode: c.rcode, ad: c.ad, ede: c.ede, ...(c.ede !== null && UNREACHABLE_EDES.includes(c.ede) ? { edeAlternatives: UNREACHABLE_EDES } : {}) };
    const expect = known === undefined ? {} : { expect: known };
    add({ qname: c.qname, qtype: c.qtype, flags: ['+dnssec'], origin: 'case', ...expect });
    // DO=0 with AD=1 (dig's default): AD still reports the validation outcome (RFC 6840 §5.7).
    add({ qname: c.qname, qtype: c.qtype, flags: ['+nodnssec'], origin: 'variant DO=0', ...expect });
    // DO=0, AD=0: no AD bit whatever the outcome (RFC 4035 §3.2.3, RFC 6840 §5.7).
    add({ qname: c.qname, qtype: c.qtype, flags: ['+nodnssec', '+noadflag'], origin: 'variant DO=0 AD=0', ...(known === undefined ? {} : { expect: { ...known, ad: false } }) });
    // CD=1: bogus data comes back unvalidated; whether AD may still be set on secure data is not
    // settled (RFC 4035 §3.2.2, RFC 6840 §5.9), so no expectation, just the comparison.
    add({ qname: c.qname, qtype: c.qtype, flags: ['+cd', '+dnssec'], origin: 'variant CD=1' });
    add({ qname: mixCase(c.qname), qtype: c.qtype, flags: ['+dnssec'], origin: 'variant case', ...expect });
  }
  const dead = new Set((lab.specialServers ?? []).map((s) => s.delegation).filter((d): d is string => d !== undefined));
  for (const z of lab.zones) {
    const apex = z.name;
    const under = (label: string): string => (apex === '.' ? `${label}.` : `${label}.${apex}`);
    const types = ['SOA', 'DNSKEY', 'NS', 'TXT', 'ANY', z.denial === 'nsec3' ? 'NSEC3PARAM' : 'NSEC'];
    if (apex !== '.') types.push('DS');
    for (const t of types) add({ qname: apex, qtype: t, flags: ['+dnssec'], origin: 'probe' });
    add({ qname: under('nx-probe'), qtype: 'A', flags: ['+dnssec'], origin: 'probe' });
    add({ qname: under('nx-probe'), qtype: 'DS', flags: ['+dnssec'], origin: 'probe' });
    add({ qname: under('www'), qtype: 'NSEC', flags: ['+dnssec'], origin: 'probe' });
    add({ qname: under('www'), qtype: 'ANY', flags: ['+dnssec'], origin: 'probe' });
    add({ qname: under('a.b.nx-probe'), qtype: 'AAAA', flags: ['+nodnssec'], origin: 'probe' });
  }
  for (const d of dead) add({ qname: d, qtype: 'DS', flags: ['+dnssec'], origin: 'probe' });
  // Protocol corners, on a few representative names (by then in both caches).
  const pick = (f: (c: LabJson['cases'][number]) => boolean): string[] => lab.cases.filter(f).slice(0, 1).map((c) => c.qname);
  const samples = [
    ...pick((c) => c.rcode === 'NOERROR' && c.ad === true && c.qtype === 'A'),
    ...pick((c) => c.rcode === 'NXDOMAIN' && c.ad === true),
    ...pick((c) => c.rcode === 'NOERROR' && c.ad === false && c.ede === null),
    ...pick((c) => c.rcode === 'SERVFAIL' && c.ede === 7),
  ];
  for (const n of samples) {
    for (const flags of [['+tcp', '+dnssec'], ['+noedns'], ['+edns=1', '+noednsnegotiation', '+dnssec'], ['+norecurse', '+dnssec'], ['+bufsize=512', '+dnssec'], ['+ednsopt=65001:00', '+dnssec'], ['+opcode=status']]) {
      add({ qname: n, qtype: 'A', flags, origin: 'extra' });
    }
    for (const t of ['RRSIG', 'SOA', 'TYPE65534', 'CNAME', 'NSEC3']) add({ qname: n, qtype: t, flags: ['+dnssec'], origin: 'extra' });
  }
  // Never asked before: RD=0 must not start a recursion; what comes back is the cache's business.
  add({ qname: samples[0] === undefined ? 'uncached.' : `uncached-${samples[0]}`, qtype: 'A', flags: ['+norecurse', '+dnssec'], origin: 'extra' });
  // A big answer at UDP size 1232 and 512, without the retry over TCP: TC must be set.
  for (const c of lab.cases.filter((x) => (x as { tcp?: boolean }).tcp === true)) {
    add({ qname: c.qname, qtype: c.qtype, flags: ['+ignore', '+dnssec'], origin: 'extra' });
    add({ qname: c.qname, qtype: c.qtype, flags: ['+ignore', '+noedns'], origin: 'extra' });
  }
  add({ qname: '.', qtype: 'DNSKEY', flags: ['+ignore', '+dnssec', '+bufsize=512'], origin: 'extra' });
  add({ qname: 'version.bind.', qclass: 'CH', qtype: 'TXT', flags: [], origin: 'extra' });
  return { title, queries };
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'plan') {
    process.stdout.write(JSON.stringify(queryPlan(args[0] ?? '.', args[1] ?? 'lab'), null, 1) + '\n');
    return;
  }
  if (mode === 'nsd') {
    process.stdout.write(nsdPlan(args[0] ?? '.'));
    return;
  }
  if (mode !== 'run') throw new Error('usage: compare-with-unbound.ts plan|nsd|run ...');
  const [planFile, aArg, bArg, ...rest] = args;
  if (planFile === undefined) throw new Error('usage: compare-with-unbound.ts run PLAN.json anchord=host:port unbound=host:port [--markdown OUT]');
  const a = parseServer(aArg, 'anchord');
  const b = parseServer(bArg, 'unbound');
  const mdIdx = rest.indexOf('--markdown');
  const mdOut = mdIdx >= 0 ? rest[mdIdx + 1] : undefined;
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { title: string; queries: Query[] };

  const rows: string[] = [];
  const details: string[] = [];
  let nDiff = 0;
  let aMiss = 0;
  let bMiss = 0;
  let nExpect = 0;
  for (const q of plan.queries) {
    const ra = parseReply(await dig(a, q), q);
    const rb = parseReply(await dig(b, q), q);
    const d = differences(ra, rb, q.qtype);
    const ma = meets(ra, q);
    const mb = meets(rb, q);
    if (q.expect !== undefined) { nExpect++; if (ma === false) aMiss++; if (mb === false) bMiss++; }
    const flagged = d.length > 0 || ma === false || mb === false;
    if (!flagged) continue;
    if (d.length > 0) nDiff++;
    const mark = (m: boolean | undefined): string => (m === undefined ? '' : m ? ' ✓' : ' ✗');
    const query = `\`${q.qname} ${q.qclass !== undefined ? q.qclass + ' ' : ''}${q.qtype} ${q.flags.join(' ')}\``;
    rows.push(`| ${query} | ${q.origin} | ${expectText(q)} | ${show(ra)}${mark(ma)} | ${show(rb)}${mark(mb)} | ${d.join(', ') || '(both off expectation)'} |`);
    const lines = [`### ${q.qname} ${q.qtype} ${q.flags.join(' ')}  [${d.join(', ')}]`];
    lines.push(`expected: ${expectText(q) || '-'}`);
    for (const [label, r] of [[a.label, ra], [b.label, rb]] as const) {
      lines.push(`${label}: ${show(r)}${r.caseEcho ? '' : ' (question case not echoed)'}${r.edeText.length > 0 ? `  EDE: ${r.edeText.join(' | ')}` : ''}`);
    }
    if (d.includes('answer')) {
      const sa = new Set(ra.answer);
      const sb = new Set(rb.answer);
      for (const x of ra.answer) if (!sb.has(x)) lines.push(`  < ${x.slice(0, 160)}`);
      for (const x of rb.answer) if (!sa.has(x)) lines.push(`  > ${x.slice(0, 160)}`);
    }
    if (d.includes('negSOA')) lines.push(`  SOA in authority: ${a.label}=${ra.negSoa} ${b.label}=${rb.negSoa}`);
    details.push(lines.join('\n'));
  }
  const summary = `${plan.title}: ${plan.queries.length} queries, ${nDiff} differ between ${a.label} and ${b.label}; ` +
    `of ${nExpect} with a known answer, ${a.label} misses ${aMiss}, ${b.label} misses ${bMiss}`;
  const table = [
    `| query | origin | expected | ${a.label} | ${b.label} | differs in |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const text = [`## ${plan.title}`, '', summary, '', rows.length > 0 ? table : '(no differences)', '', ...details.map((d) => '```\n' + d + '\n```')].join('\n');
  process.stdout.write(text + '\n');
  if (mdOut !== undefined) writeFileSync(mdOut, text + '\n');
}

await main();
