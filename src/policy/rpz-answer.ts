// The answer a response-policy rule gives. Policy answers are made up here, not validated upstream,
// so they never carry AD (security 'insecure', synthesized) and they carry the zone's EDE so the
// client can tell a policy answer from the real one (RFC 8914 §4.16-4.18).
import { RRClass, RRType, Rcode } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import type { ClientQuery, Outcome } from '../wire/outcome.ts';
import { cnameCodec } from '../wire/rdata/basic.ts';
import type { RRset } from '../wire/types.ts';
import type { LocalRRset, PolicyMatch, PolicyZone } from './rpz.ts';

function answered(zone: PolicyZone, rcode: number, answer: readonly RRset[], authority: readonly RRset[]): Outcome {
  return { rcode, answer, authority, additional: [], security: 'insecure', reasons: [zone.reason], synthesized: true };
}

function toRRset(owner: Name, set: LocalRRset): RRset {
  return { name: owner, type: set.type, class: RRClass.IN, ttl: set.ttl, rdata: set.rdata, sigs: [] };
}

/**
 * Local data answers at the query name: the CNAME when the rule is a rewrite (the target is not
 * chased: the client or a downstream resolver follows it), the sets of the asked type (all of them
 * for ANY), or NODATA with the zone's SOA when the rule holds no data of that type.
 */
function localAnswer(zone: PolicyZone, query: ClientQuery, sets: readonly LocalRRset[]): Outcome {
  const owner = query.question.name;
  const qtype = query.question.type;
  const cname = sets.find((s) => s.type === RRType.CNAME);
  const chosen = cname !== undefined ? [cname] : sets.filter((s) => qtype === RRType.ANY || s.type === qtype);
  if (chosen.length === 0) return answered(zone, Rcode.NOERROR, [], [zone.soa]);
  return answered(zone, Rcode.NOERROR, chosen.map((s) => toRRset(owner, s)), []);
}

/**
 * The outcome for a matched rule, or undefined when resolution should go on as if nothing matched
 * (PASSTHRU, and TCP-only over TCP).
 */
export function policyOutcome(match: PolicyMatch, query: ClientQuery): Outcome | undefined {
  const { zone, rule } = match;
  const action = rule.action;
  switch (action.kind) {
    case 'passthru':
      return undefined;
    case 'nxdomain':
      return answered(zone, Rcode.NXDOMAIN, [], [zone.soa]);
    case 'nodata':
      return answered(zone, Rcode.NOERROR, [], [zone.soa]);
    case 'drop':
      // The frontend sends nothing; the SERVFAIL is what a frontend that ignored `drop` would send,
      // which is safer than a made-up NOERROR.
      return { ...answered(zone, Rcode.SERVFAIL, [], []), drop: true };
    case 'tcp-only':
      if (query.transport === 'tcp') return undefined;
      return { rcode: Rcode.NOERROR, answer: [], authority: [], additional: [], security: 'insecure', reasons: [], synthesized: true, truncate: true };
    case 'local':
      return localAnswer(zone, query, action.sets);
    case 'wildcard-cname': {
      // `*.x CNAME *.garden.`: the target is the query name under garden. (BIND's rewrite form).
      const target = Name.fromLabels([...query.question.name.labels, ...action.suffix.labels]);
      if (!target.ok) {
        // Like a DNAME substitution that overflows (RFC 6672 §2.2): the rewritten name cannot exist.
        return answered(zone, Rcode.YXDOMAIN, [], []);
      }
      const rdata = cnameCodec.encode({ name: target.name });
      return localAnswer(zone, query, [{ type: RRType.CNAME, ttl: action.ttl, rdata: [rdata] }]);
    }
  }
}
