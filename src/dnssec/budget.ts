// KeyTrap bounds (CVE-2023-50387, CVE-2023-50868): a zone under an attacker's control can make a
// validator try every key of a colliding tag against every signature, or hash NSEC3 names with
// many iterations, until one query costs seconds of CPU. Each client query gets one
// ValidationBudget; every costly step asks it first, and the first refusal becomes a bogus verdict
// with EDE 0 and a text that names the bound (never a hung event loop). The defaults follow the
// spirit of the post-KeyTrap fixes in Unbound 1.19.1 and BIND 9.18.24: a handful per RRset, a few
// dozen per query.
import { EdeCode, reason, type Reason } from '../wire/ede.ts';

export interface ValidationLimits {
  /** Signature verifications tried for one RRset before giving up on it. */
  readonly maxVerificationsPerRRset: number;
  /** Signature verifications for everything one client query needs (chain of trust included). */
  readonly maxVerificationsPerQuery: number;
  /** Keys sharing one RRSIG's key tag and algorithm that are tried (collisions are legal but rare). */
  readonly maxKeyTagCollisions: number;
  /** NSEC3 owner-name hashes computed for one response's denial proofs. */
  readonly maxNsec3HashesPerResponse: number;
}

export const DEFAULT_VALIDATION_LIMITS: ValidationLimits = {
  maxVerificationsPerRRset: 8,
  maxVerificationsPerQuery: 64,
  maxKeyTagCollisions: 4,
  maxNsec3HashesPerResponse: 32,
};

/** Why work was refused: EDE 0 ("Other"), since RFC 8914 has no code for a resource bound. */
function exhausted(text: string): Reason {
  return reason(EdeCode.OTHER, text);
}

/** The per-client-query counter. Not shared between queries, so one bad zone cannot starve others. */
export class ValidationBudget {
  readonly limits: ValidationLimits;
  #verifications = 0;

  constructor(limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS) {
    this.limits = limits;
  }

  get verifications(): number {
    return this.#verifications;
  }

  /**
   * Spends one verification for `what` (already `doneForRRset` spent on that RRset). Undefined when
   * allowed; otherwise the Reason to report.
   */
  spendVerification(what: string, doneForRRset: number): Reason | undefined {
    if (doneForRRset >= this.limits.maxVerificationsPerRRset) {
      return exhausted(`validation limit: more than ${this.limits.maxVerificationsPerRRset} signature verifications for ${what}`);
    }
    if (this.#verifications >= this.limits.maxVerificationsPerQuery) {
      return exhausted(`validation limit: more than ${this.limits.maxVerificationsPerQuery} signature verifications for one query (at ${what})`);
    }
    this.#verifications++;
    return undefined;
  }

  /** The Reason for an RRSIG whose key tag matches more keys than are tried. */
  collisionReason(what: string, keys: number): Reason {
    return exhausted(`validation limit: ${keys} keys share the key tag of the RRSIG for ${what}; at most ${this.limits.maxKeyTagCollisions} are tried`);
  }

  /** The Reason for a denial proof that needed more NSEC3 hashes than allowed. */
  nsec3Reason(what: string): Reason {
    return exhausted(`validation limit: more than ${this.limits.maxNsec3HashesPerResponse} NSEC3 hash computations for ${what}`);
  }
}
