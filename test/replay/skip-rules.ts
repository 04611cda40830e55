// Which scenarios this harness cannot replay, and why. Each rule names a feature of the scenario
// (an Unbound-internal step kind, a config block or option for a feature outside anchord's scope,
// data only Unbound's test build accepts) and yields a one-line reason. The runner prints the reason;
// skip.json records it, so nothing is dropped silently.
import { MIN_RSA_BITS } from '../../src/dnssec/algorithms.ts';
import type { RplConfig, Scenario } from './rpl-parser.ts';
import { serverOption, serverOptions } from './rpl-parser.ts';

/** Config blocks besides server/stub-zone/forward-zone, all for features outside our scope. */
const BLOCK_REASONS: Record<string, string> = {
  'auth-zone': 'auth-zone (authoritative zones inside the resolver) is out of scope',
  rpz: 'RPZ in Unbound configuration syntax is out of scope for replay',
  view: 'views are out of scope',
  'remote-control': 'remote-control is Unbound-specific',
  python: 'python module is Unbound-specific',
  dynlib: 'dynlib module is Unbound-specific',
  cachedb: 'cachedb module is Unbound-specific',
  dnstap: 'dnstap is out of scope',
};

/** server: options that switch on features outside our scope (value-independent). */
const OPTION_REASONS: Record<string, string> = {
  'local-data': 'local-data is out of scope',
  'local-data-ptr': 'local-data is out of scope',
  'response-ip': 'response-ip (respip module) is out of scope',
  'response-ip-data': 'response-ip (respip module) is out of scope',
  'dns64-prefix': 'DNS64 is out of scope',
  'dns64-synthall': 'DNS64 is out of scope',
  'do-nat64': 'NAT64 is out of scope',
  'auto-trust-anchor-file': 'RFC 5011 trust-anchor tracking (autotrust) is out of scope',
  'trust-anchor-file': 'trust anchors read from Unbound temp files are not replayed',
  'trusted-keys-file': 'trust anchors read from Unbound temp files are not replayed',
  'edns-client-string': 'edns-client-string is Unbound-specific',
  'edns-client-string-opcode': 'edns-client-string is Unbound-specific',
  'dns-error-reporting': 'DNS error reporting (RFC 9567) is out of scope',
  'ip-ratelimit': 'rate limiting is out of scope',
  ratelimit: 'rate limiting is out of scope',
  'access-control-tag': 'tags are Unbound-specific',
  'access-control-tag-action': 'tags are Unbound-specific',
  'access-control-tag-data': 'tags are Unbound-specific',
  'access-control-view': 'views are out of scope',
  'local-zone-tag': 'tags are Unbound-specific',
  'define-tag': 'tags are Unbound-specific',
  'answer-cookie': 'server cookies are out of scope for replay',
  nsid: 'NSID is out of scope for replay',
  'cookie-secret-file': 'server cookies are out of scope for replay',
  'ede-serve-expired': 'serve-expired is out of scope',
  'serve-expired-client-timeout': 'serve-expired is out of scope',
  'discard-timeout': 'discard-timeout is Unbound-specific',
  'wait-limit': 'wait-limit is Unbound-specific',
  'cache-min-negative-ttl': 'cache-min-negative-ttl has no anchord equivalent',
};

/**
 * server: options whose value `yes` switches on an out-of-scope feature. Not here: `prefetch`
 * (mapped onto the resolver's own prefetch) and `prefetch-key` (Unbound fetches a zone's DNSKEY as
 * soon as it sees the DS: a latency choice that changes no answer, so the scenarios replay without it).
 */
const YES_REASONS: Record<string, string> = {
  'serve-expired': 'serve-expired (RFC 8767) is out of scope',
  'serve-original-ttl': 'serve-original-ttl is Unbound-specific',
  'stub-prime': 'stub priming is not done (stub zones are used as given)',
  'hide-identity': 'CHAOS identity queries are out of scope',
  'hide-version': 'CHAOS version queries are out of scope',
};

/**
 * Step kinds Unbound uses to drive or inspect its internals. The runner plays QUERY, CHECK_ANSWER,
 * TIME_PASSES, the upstream-script steps (CHECK_OUT_QUERY, REPLY, TIMEOUT, ERROR) and INFRA_RTT
 * (an RTT measurement handed to the infra cache); these not.
 */
const STEP_REASONS: Record<string, string> = {
  ASSIGN: 'uses testbound macro variables (ASSIGN)',
  CHECK_AUTOTRUST: 'checks Unbound\'s autotrust state file (CHECK_AUTOTRUST)',
  CHECK_TEMPFILE: 'checks Unbound temp files (CHECK_TEMPFILE)',
};

/** Unbound-internal step kinds the runner plays itself (runner.ts, parseInfraRtt). */
const PLAYED_INTERNAL_STEPS: ReadonlySet<string> = new Set(['INFRA_RTT']);

/** DNSSEC algorithms RFC 8624 §3.1 says MUST NOT be validated; Unbound's tests accept them under fake-sha1. */
const DSA_ALGORITHMS = new Set(['3', '6', 'DSA', 'DSA-NSEC3-SHA1']);

function usesDsa(scenario: Scenario): boolean {
  const check = (text: string): boolean => {
    const w = text.replace(/;.*$/, '').trim().split(/\s+/);
    const i = w.findIndex((x) => x.toUpperCase() === 'DNSKEY' || x.toUpperCase() === 'DS');
    if (i < 0) return false;
    const alg = w[i].toUpperCase() === 'DNSKEY' ? w[i + 3] : w[i + 2];
    return alg !== undefined && DSA_ALGORITHMS.has(alg.toUpperCase());
  };
  for (const ta of serverOptions(scenario.config, 'trust-anchor')) if (check(ta)) return true;
  for (const r of scenario.ranges) for (const e of r.entries) for (const p of e.packets)
    for (const l of p.sections.answer) if (check(l.text)) return true;
  return false;
}

const RSA_ALGORITHMS = new Set([5, 7, 8, 10]);

/** Modulus size of an RSA DNSKEY public key (RFC 3110 §2); undefined when unreadable. */
function rsaModulusBits(base64: string): number | undefined {
  const k = Buffer.from(base64, 'base64');
  if (k.length < 3) return undefined;
  const [expLen, offset] = k[0] === 0 ? [(k[1] << 8) | k[2], 3] : [k[0], 1];
  const modulus = k.length - offset - expLen;
  return modulus > 0 ? modulus * 8 : undefined;
}

/** Validation would meet an RSA key below the validator's minimum size (many corpus keys are 512 bits). */
function usesSmallRsaKeys(scenario: Scenario): boolean {
  if (serverOptions(scenario.config, 'trust-anchor').length === 0) return false;
  const small = (text: string): boolean => {
    const w = text.replace(/;.*$/, '').trim().split(/\s+/);
    const i = w.findIndex((x) => x.toUpperCase() === 'DNSKEY');
    if (i < 0 || !RSA_ALGORITHMS.has(Number(w[i + 3]))) return false;
    const bits = rsaModulusBits(w.slice(i + 4).join(''));
    return bits !== undefined && bits < MIN_RSA_BITS;
  };
  for (const ta of serverOptions(scenario.config, 'trust-anchor')) if (small(ta)) return true;
  for (const r of scenario.ranges) for (const e of r.entries) for (const p of e.packets)
    for (const l of p.sections.answer) if (small(l.text)) return true;
  return false;
}

/**
 * Reason a `local-zone: NAME TYPE` line stops the replay, or undefined when it changes nothing here.
 * `nodefault` only removes one of Unbound's built-in RFC 6761/6303 local zones (`test.`,
 * `10.in-addr.arpa.`, …); anchord serves no built-in local zones, so every name already goes to the
 * iterator and the line is a no-op. Every other type makes the resolver answer from local data,
 * which anchord does not have.
 */
export function localZoneReason(value: string): string | undefined {
  const type = value.replace(/"/g, ' ').trim().split(/\s+/)[1]?.toLowerCase();
  return type === 'nodefault' ? undefined : 'local-zone data is out of scope';
}

function configReasons(config: RplConfig): string[] {
  const out: string[] = [];
  for (const b of config.blocks) {
    const r = BLOCK_REASONS[b.kind];
    if (r) out.push(r);
    if (b.kind === 'stub-zone' || b.kind === 'forward-zone') {
      const hasHost = b.options.some(([k]) => k === 'stub-host' || k === 'forward-host');
      const hasAddr = b.options.some(([k]) => k === 'stub-addr' || k === 'forward-addr');
      if (hasHost && !hasAddr) out.push(`${b.kind} given by host name only (needs Unbound's name lookup for the zone's servers)`);
      if (b.options.some(([k, v]) => (k === 'forward-tls-upstream' || k === 'stub-tls-upstream') && v === 'yes')) out.push('DNS over TLS upstream is out of scope');
    }
    if (b.kind !== 'server') continue;
    for (const [k, v] of b.options) {
      const r2 = k === 'local-zone' ? localZoneReason(v) : OPTION_REASONS[k];
      if (r2) out.push(r2);
      const r3 = YES_REASONS[k];
      if (r3 && v.toLowerCase() === 'yes') out.push(r3);
    }
  }
  const modules = serverOption(config, 'module-config');
  if (modules !== undefined) {
    const extra = modules.split(/\s+/).filter((m) => m !== '' && m !== 'validator' && m !== 'iterator');
    if (extra.length > 0) out.push(`module-config uses ${extra.join(', ')} (out of scope)`);
  }
  for (const [k, v] of config.blocks.filter((b) => b.kind === 'server').flatMap((b) => b.options)) {
    // allow / allow_snoop are replayed (resolver-adapter.ts: allow_snoop becomes allowSnoop, every
    // other client is plainly allowed); the others are ACL policies not replayed here.
    if (k === 'access-control' && /\b(allow_cookie|deny|refuse|deny_non_local|refuse_non_local|allow_setrd)\b/.test(v)) {
      out.push(`access-control ${v.split(/\s+/)[1]} (ACL policy is applied by the policy room, not replayed)`);
    }
  }
  for (const f of config.files) out.push(f.kind === 'AUTOTRUST_FILE' ? 'RFC 5011 trust-anchor tracking (autotrust) is out of scope' : 'uses Unbound temp files (TEMPFILE)');
  return out;
}

/**
 * Reasons this scenario cannot be replayed, most specific first; empty when it can be run.
 * Only structural facts of the file are used, never the outcome of running it.
 */
export function skipReasons(scenario: Scenario): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of scenario.steps) {
    if (s.kind === 'unsupported' && !PLAYED_INTERNAL_STEPS.has(s.name)) {
      const r = STEP_REASONS[s.name] ?? `uses step kind ${s.name}`;
      if (!seen.has(r)) { seen.add(r); out.push(r); }
    } else if (s.kind === 'TIME_PASSES' && s.seconds === undefined) {
      const r = 'TIME_PASSES with testbound macro variables';
      if (!seen.has(r)) { seen.add(r); out.push(r); }
    } else if (s.kind === 'CHECK_ANSWER') {
      const k = s.entry.match.keys;
      if (k.has('ednsdata') || k.has('server_cookie') || k.has('client_cookie')) {
        const r = 'checks raw EDNS option data in the reply (cookies, keepalive, padding)';
        if (!seen.has(r)) { seen.add(r); out.push(r); }
      }
    }
  }
  for (const r of configReasons(scenario.config)) if (r && !seen.has(r)) { seen.add(r); out.push(r); }
  // `fake-sha1: yes` scenarios get the replay-only legacy signature check (fake-sha1.ts); the
  // others would meet the production check, which refuses DSA and small RSA keys.
  const fakeSha1 = serverOption(scenario.config, 'fake-sha1')?.trim().toLowerCase() === 'yes';
  if (!fakeSha1 && usesDsa(scenario)) out.push('DSA-signed data (Unbound fake-sha1 test data; RFC 8624: DSA MUST NOT be validated)');
  if (!fakeSha1 && usesSmallRsaKeys(scenario)) out.push(`RSA keys below ${MIN_RSA_BITS} bits, which the validator refuses (corpus keys from 2007 are 512-bit)`);
  return out;
}
