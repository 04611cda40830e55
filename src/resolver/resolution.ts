// What iteration produces before validation: the outcome parts plus, per step, the zone the data
// came from and the raw RRsets with their RRSIGs — everything a validator needs to walk the chain
// of trust without asking the resolver how it got there.
import type { Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { ClientQuery, Security } from '../wire/outcome.ts';
import type { Question, RRset } from '../wire/types.ts';
import type { ServerAddress } from './transport.ts';
import type { TraceSink } from './trace.ts';
import type { SynthesisedDenial } from './aggressive-nsec.ts';

export type StepKind =
  /** Final data for the name asked. */
  | 'answer'
  /** A CNAME (or a DNAME and the CNAME synthesized from it) leading to another name. */
  | 'alias'
  | 'nxdomain'
  | 'nodata'
  /** A delegation followed: `zone` is the parent, `child` the new cut; DS or its denial in `authority`. */
  | 'referral';

export interface AnswerStep {
  readonly kind: StepKind;
  /** The zone cut the data came from: the zone the server was asked as (the signer's zone). */
  readonly zone: Name;
  /** The name and type this step answers. */
  readonly question: Question;
  /** Answer-section RRsets with their RRSIGs (synthesized CNAMEs are marked in `synthesized`). */
  readonly answer: readonly RRset[];
  /** Negative answers: SOA and NSEC/NSEC3. Referrals: NS, DS and NSEC/NSEC3 proving no DS. */
  readonly authority: readonly RRset[];
  /** CNAMEs we synthesized from a DNAME (they carry no RRSIG of their own, RFC 6672 §5.3.1). */
  readonly synthesized: readonly RRset[];
  /** For referrals: the child zone. */
  readonly child?: Name;
  /** Which server said so; undefined when the step was served from cache. */
  readonly server?: ServerAddress;
  readonly fromCache: boolean;
  /**
   * The zone's own NS set and its in-zone servers' addresses, as the server sent them beside this
   * answer (zone-side.ts). Never part of the answer: the validator judges them with the zone's
   * keys (ValidationVerdict.zoneData) so an RD=0 referral may carry them.
   */
  readonly zoneData?: readonly RRset[];
  /**
   * A denial built from the RFC 8198 store (NSEC records the validator proved secure, while the
   * zone's validated keys are held), not read from a cache entry: judged without any fetch.
   */
  readonly denialSynthesised?: boolean;
}

export interface Resolution {
  readonly question: Question;
  readonly rcode: number;
  /** Answer section in order: aliases, then the final data. */
  readonly answer: readonly RRset[];
  /** For negative answers: the SOA and NSEC/NSEC3 of the last step. */
  readonly authority: readonly RRset[];
  readonly steps: readonly AnswerStep[];
  /** Why it failed (limits, unreachable servers, loops); most important first. */
  readonly reasons: readonly Reason[];
  /** Every step came from cache (no upstream traffic). */
  readonly fromCache: boolean;
  /** Upstream queries this resolution sent (including sub-queries). */
  readonly upstreamQueries: number;
}

/** What the validator concludes about a resolution. */
export interface ValidationVerdict {
  readonly security: Security;
  readonly reasons: readonly Reason[];
  /**
   * RFC 4035 §5.3.3: per validated RRset (by owner and type), the most seconds its TTL may show —
   * the RRSIG's original TTL and the time left to its expiration. The answer sent is capped by it.
   */
  readonly ttlCaps?: readonly TtlCap[];
  /**
   * The RCODE the signed proofs establish when it differs from the server's: an NXDOMAIN whose own
   * NSEC proves the name an empty non-terminal is a NODATA (NOERROR), as Unbound answers it.
   */
  readonly rcode?: number;
  /** For a bogus verdict: where the failing data lies, so the resolver can ask other servers for it. */
  readonly bogusOrigin?: BogusOrigin;
  /** Verdicts on the steps' zoneData; they never change the verdict on the answer itself. */
  readonly zoneData?: readonly ZoneDataVerdict[];
}

/** The validator's verdict on one set of a step's zoneData, judged with its zone's validated keys. */
export interface ZoneDataVerdict {
  readonly set: RRset;
  readonly security: 'secure' | 'bogus';
  readonly reason?: Reason;
  /** Seconds the verdict may be kept (RFC 4035 §5.3.3 for a secure one, the bogus TTL otherwise). */
  readonly ttl: number;
}

/**
 * Where a bogus verdict's failing data came from: a step's own RRsets or denial, or the chain of
 * trust at `zone` (its DS at the parent, or its DNSKEY RRset).
 */
export type BogusOrigin =
  | { readonly kind: 'data'; readonly step: AnswerStep }
  | {
    readonly kind: 'keys';
    readonly zone: Name;
    /** The step whose RRset carried no RRSIG, which is what sent the walk below its zone to `zone`. */
    readonly unsigned?: AnswerStep;
  };

/** The TTL ceiling of one validated RRset. */
export interface TtlCap {
  readonly name: Name;
  readonly type: number;
  readonly ttl: number;
}

/** Lets the validator fetch DNSKEY/DS RRsets through the same resolver (cache first). */
export interface ValidationContext {
  readonly query: ClientQuery;
  fetch(question: Question): Promise<Resolution>;
  now(): number;
  /** Diagnostics only (`anchord explain`): receives every chain and verdict step; the daemon passes none. */
  readonly trace?: TraceSink;
}

/**
 * The validation hook. Injected only when validation is configured (trust anchors present); when
 * absent every answer is 'insecure'. A 'bogus' verdict becomes SERVFAIL unless the client set CD.
 */
export interface Validator {
  validateResolution(resolution: Resolution, context: ValidationContext): Promise<ValidationVerdict>;
  /** Forgets bogus key entries of `zone` and below, before the resolver asks other servers again. */
  forgetBogusKeys?(zone: Name): void;
  /**
   * RFC 8198: a denial of `question` built from NSEC records this validator proved secure, or
   * undefined. The resolver asks it on a cache miss; what it returns is validated like any answer.
   */
  synthesiseDenial?(question: Question, nowMs: number): SynthesisedDenial | undefined;
}
