// Every configuration key, declared once: type, default and documentation (docs/configuration.md is
// rendered from these declarations, and config.example.json is their defaults). Other rooms read
// the typed `Config`; this module only validates and defaults.
import { Name } from '../wire/name.ts';
import { parseCidr, parseHostPort, parseServerAddress } from './address.ts';
import { array, bool, int, nullable, object, oneOf, str, type Checked, type Infer } from './schema.ts';

const MIB = 1024 * 1024;
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const MAX_PORT = 65535;
const MAX_U32 = 0xffffffff;

const hostPort = (doc: string, def?: string) =>
  str({
    doc,
    ...(def !== undefined ? { default: def } : {}),
    expected: '"host:port"',
    validate: (s) => {
      const r = parseHostPort(s);
      return r.ok ? undefined : r.error;
    },
  });

const domainName = (doc: string) =>
  str({
    doc,
    expected: 'a domain name',
    validate: (s) => {
      const r = Name.parse(s.endsWith('.') ? s : `${s}.`);
      return r.ok ? undefined : r.error;
    },
  });

const path = (doc: string, def?: string) =>
  str({ doc, ...(def !== undefined ? { default: def } : {}), expected: 'a file path', validate: (s) => (s === '' ? 'empty path' : undefined) });

const cidr = str({
  doc: 'An address prefix, e.g. "10.0.0.0/8" or "fc00::/7"; a bare address is a single host.',
  expected: 'a CIDR prefix',
  validate: (s) => {
    const r = parseCidr(s);
    return r.ok ? undefined : r.error;
  },
});

const ms = (doc: string, def: number) => int({ doc, default: def, min: 1, max: MAX_U32 });
const count = (doc: string, def: number) => int({ doc, default: def, min: 1, max: UNBOUNDED });

export const configSchema = object(
  {
    listen: array(hostPort('A socket address to serve DNS on.'), {
      doc: 'Addresses to serve DNS on, UDP and TCP each. `anchord serve --listen ADDR:PORT` (repeatable) replaces this list.',
      default: ['127.0.0.1:53', '[::1]:53'],
    }),
    maxUdpSize: int({
      doc: 'Largest UDP answer we send and the EDNS buffer size we advertise (DNS Flag Day 2020: 1232). Larger answers are truncated (TC=1) so the client retries over TCP.',
      default: 1232,
      min: 512,
      max: 4096,
    }),
    tcp: object(
      {
        idleTimeoutMs: ms('Close a TCP connection after this long with no query in flight (RFC 7766 §6.2.3); also advertised with edns-tcp-keepalive (RFC 7828).', 10_000),
        maxConnections: count('Concurrent TCP connections; further connections are closed on accept.', 1000),
        maxInFlightPerConnection: count('Queries of one TCP connection being answered at once; at the cap the connection is not read until one completes.', 100),
      },
      { doc: 'TCP listener limits.' },
    ),
    rootHints: path('Root hints file (zone-file format) used to start iteration.', 'zones/root.hints'),
    priming: bool({ doc: 'Prime the root NS set from the hints at start-up (RFC 8109).', default: true }),
    trustAnchors: array(path('A trust anchor file (DS or DNSKEY records in zone-file format).'), {
      doc: 'Trust anchor files. An empty list disables validation (every answer is insecure).',
      default: ['zones/root-anchors'],
    }),
    upstreamPort: int({ doc: 'Port of authoritative servers (53; the lab uses others).', default: 53, min: 1, max: MAX_PORT }),
    allowLoopbackUpstreams: bool({
      doc: 'Allow querying authoritative servers on loopback addresses (needed by the lab; refused otherwise as a rebinding/loop guard).',
      default: false,
    }),
    privateAddresses: array(cidr, {
      doc: 'DNS-rebinding protection: A/AAAA records in these prefixes (and SVCB/HTTPS records whose ipv4hint/ipv6hint names one) are removed from upstream answers, as Unbound\'s private-address. IPv4-mapped IPv6 addresses are checked against the IPv4 prefixes.',
      default: [],
    }),
    privateDomains: array(domainName('A domain whose names may hold private addresses.'), {
      doc: 'Names at or below these domains are exempt from `privateAddresses` (Unbound\'s private-domain).',
      default: [],
    }),
    doIp4: bool({ doc: 'Query authoritative servers over IPv4.', default: true }),
    doIp6: bool({ doc: 'Query authoritative servers over IPv6.', default: true }),
    qnameMinimisation: bool({ doc: 'QNAME minimisation (RFC 9156).', default: true }),
    prefetch: bool({
      doc: 'Prefetch: a cached answer served in the last 10% of its TTL is answered at once and resolved again (and validated) in the background, so popular names do not expire from the cache. One refresh per name and type at a time, at most 32 at once; a failed refresh keeps the cached answer. Off by default, as in Unbound (about 10% more upstream traffic).',
      default: false,
    }),
    forward: array(
      object(
        {
          zone: domainName('Names at or below this zone are forwarded.'),
          addresses: array(
            str({
              doc: 'A server address, "ip" or "ip@port".',
              expected: '"ip" or "ip@port"',
              validate: (s) => {
                const r = parseServerAddress(s, 53);
                return r.ok ? undefined : r.error;
              },
            }),
            { doc: 'Servers to forward to, "ip" or "ip@port".' },
          ),
        },
        { doc: 'A forwarding rule.' },
      ),
      { doc: 'Forward zones: queries at or below `zone` go to `addresses` (recursive servers) instead of being iterated.', default: [] },
    ),
    insecureDomains: array(domainName('A domain treated as insecure.'), {
      doc: 'Domains (and their subdomains) treated as unsigned: no validation below them (negative trust anchors, RFC 7646).',
      default: [],
    }),
    nsec3MaxIterations: int({
      doc: 'NSEC3 iteration count above which an answer is treated as insecure (RFC 9276 §3.2, EDE 27).',
      default: 50,
      min: 0,
      max: MAX_PORT,
    }),
    hardenDnssecStripped: bool({
      doc: 'Weakening option when false (Unbound\'s harden-dnssec-stripped: no): a trust-anchored zone whose DNSKEY RRset cannot be fetched or does not match the anchor is treated as insecure instead of bogus, which a downgrade attack can then exploit. Keep true unless a middlebox strips DNSSEC data.',
      default: true,
    }),
    hardenAlgoDowngrade: bool({
      doc: 'Require every algorithm a zone\'s DS set (or trust anchor) names to sign its DNSKEY RRset and all its data, not just one (Unbound\'s harden-algo-downgrade). Off by default: RFC 6840 §5.11 says a validator SHOULD accept any single valid path; on, a zone that lacks a signature of one DS algorithm is bogus.',
      default: false,
    }),
    aggressiveNsec: bool({
      doc: 'Aggressive use of the DNSSEC-validated cache (RFC 8198): answer NXDOMAIN and NODATA (DS included) from NSEC records already proven secure, without asking the zone again; the answer is validated as usual and carries the zone\'s SOA. NSEC3 is not used this way. Takes effect at restart.',
      default: true,
    }),
    sentinel: bool({ doc: 'Answer RFC 8509 root-key-sentinel queries.', default: true }),
    policy: array(
      object(
        {
          file: path('Response-policy zone file.'),
          ede: oneOf(['blocked', 'censored', 'filtered'] as const, { doc: 'Which EDE to attach: blocked (15), censored (16), filtered (17).' }),
          text: str({ doc: 'EXTRA-TEXT of the EDE.', default: '' }),
        },
        { doc: 'A response-policy zone.' },
      ),
      { doc: 'Response-policy zones (blocklists), answered with NXDOMAIN/NODATA and the chosen EDE.', default: [] },
    ),
    allow: array(cidr, {
      doc: 'Client prefixes allowed to query; others get REFUSED with EDE 18 (Prohibited).',
      default: ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10'],
    }),
    allowSnoop: array(cidr, {
      doc: 'Client prefixes that may also ask non-recursive (RD=0) questions, answered from the cache alone: the cached answer, else a referral to the closest cached delegation (Unbound\'s allow_snoop). They may query even when `allow` leaves them out. Other clients get REFUSED with EDE 20 (Not Authoritative) for every RD=0 query: answering them would let anyone see what the cache holds.',
      default: [],
    }),
    metrics: object(
      {
        listen: hostPort('Address of the Prometheus /metrics HTTP endpoint.', '127.0.0.1:9153'),
        enabled: bool({ doc: 'Serve the metrics endpoint.', default: true }),
      },
      { doc: 'Prometheus metrics.' },
    ),
    cache: object(
      {
        maxBytes: int({ doc: 'Approximate memory bound of the cache, in bytes.', default: 64 * MIB, min: MIB, max: UNBOUNDED }),
        minTtl: int({ doc: 'Lower bound on cached TTLs, in seconds.', default: 0, min: 0, max: MAX_U32 }),
        maxTtl: int({ doc: 'Upper bound on cached TTLs, in seconds.', default: 86_400, min: 0, max: MAX_U32 }),
        maxNegativeTtl: int({ doc: 'Upper bound on cached NXDOMAIN/NODATA TTLs (RFC 2308 §5), in seconds.', default: 3600, min: 0, max: MAX_U32 }),
        bogusTtl: int({ doc: 'How long a bogus (failed validation) result is cached, in seconds (EDE 13 "Cached Error" when served).', default: 60, min: 0, max: MAX_U32 }),
      },
      { doc: 'The answer cache.' },
    ),
    limits: object(
      {
        maxReferralDepth: count('Referrals followed for one name before giving up.', 30),
        maxUpstreamQueriesPerQuery: count('Upstream queries one client query may cause in total.', 100),
        maxNsNamesPerDelegation: count('Name server names of one delegation whose addresses we look up (bounds NXNS-style amplification).', 5),
        maxAttemptsPerServer: count('Queries one question may send to one server address, the first included: a server whose query was lost is asked again once every other server has been tried (Unbound\'s outbound-msg-retry).', 5),
        maxConcurrentSubqueries: count('Sub-queries (NS address lookups, DS/DNSKEY fetches) of one client query in flight at once.', 8),
        queryDeadlineMs: ms('Total time for one client query; on expiry SERVFAIL with EDE 22 (No Reachable Authority).', 10_000),
        upstreamTimeoutMs: ms('Time to wait for one upstream answer before trying another server.', 1500),
        maxCnameChain: count('CNAME/DNAME links followed for one query.', 16),
        maxValidationsPerQuery: count('Signature verifications one client query may cost (KeyTrap, CVE-2023-50387).', 64),
        maxNsec3HashesPerResponse: count('NSEC3 hash computations one response may cost (CVE-2023-50868).', 100),
      },
      { doc: 'Work limits per query.' },
    ),
    logLevel: oneOf(['error', 'warn', 'info', 'debug'] as const, { doc: 'Least severe message logged (to stderr).', default: 'info' }),
    queryLog: bool({ doc: 'Log every client query and its outcome at info level.', default: false }),
    control: object(
      {
        listen: hostPort('Address of the control endpoint (`anchord control`).', '127.0.0.1:8953'),
        tokenFile: nullable(path('File holding the shared secret of the control endpoint.'), {
          doc: 'File holding the shared secret control requests must present; null: none configured.',
          default: null,
        }),
      },
      { doc: 'The control endpoint.' },
    ),
  },
  { doc: 'anchord configuration.' },
);

export type Config = Infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Cross-key rules the per-key declarations cannot express. */
function checkRelations(c: Config): string[] {
  const errors: string[] = [];
  if (!c.doIp4 && !c.doIp6) errors.push('doIp6: doIp4 and doIp6 cannot both be false (no way to reach an authoritative server)');
  if (c.cache.minTtl > c.cache.maxTtl) errors.push(`cache.minTtl: ${c.cache.minTtl} is above cache.maxTtl (${c.cache.maxTtl})`);
  if (c.limits.upstreamTimeoutMs > c.limits.queryDeadlineMs) {
    errors.push(`limits.upstreamTimeoutMs: ${c.limits.upstreamTimeoutMs} is above limits.queryDeadlineMs (${c.limits.queryDeadlineMs})`);
  }
  return errors;
}

/** Validates parsed JSON and fills every default. Errors name the key path, one per problem. */
export function checkConfig(json: unknown): ConfigResult {
  const r: Checked<Config> = configSchema.check(json, '');
  if (!r.ok) return { ok: false, errors: r.errors };
  const errors = checkRelations(r.value);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: r.value };
}

/** Every key at its default (what config.example.json holds). */
export function defaultConfig(): Config {
  const r = checkConfig({});
  if (!r.ok) throw new Error(`config defaults are invalid: ${r.errors.join('; ')}`); // a bug in this file
  return r.config;
}
