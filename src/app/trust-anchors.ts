// The daemon's DNSSEC validator behind one stable `Validator` handed to the resolver once: the
// trust anchors can be reloaded (SIGHUP) by building a complete new validator and swapping it in
// with one assignment, so a query sees the old anchors or the new, never a mix. No anchors means
// validation is off: every answer is insecure, as the config documents for an empty list.
import type { Security } from '../wire/outcome.ts';
import type { Name } from '../wire/name.ts';
import type { RR } from '../wire/types.ts';
import { anchorKeyTags, type TrustAnchor } from '../dnssec/anchors.ts';
import type { ValidationLimits } from '../dnssec/budget.ts';
import type { RRsetCache } from '../resolver/cache.ts';
import type { Validator, ValidationVerdict } from '../resolver/resolution.ts';
import { createValidatorFromRecords, type DnssecValidator } from '../resolver/validation.ts';

export interface ValidatorSettings {
  readonly nsec3MaxIterations: number;
  readonly bogusTtl: number;
  /** See ValidatorConfig.hardenDnssecStripped; absent means true. */
  readonly hardenDnssecStripped?: boolean;
  /** See ValidatorConfig.hardenAlgoDowngrade; absent means false. */
  readonly hardenAlgoDowngrade?: boolean;
  readonly limits: Partial<ValidationLimits>;
  /** RFC 8198 synthesis from validated NSEC records (absent: on, the validator's default). */
  readonly aggressiveNsec?: boolean;
}

export type InstallResult = { ok: true; changed: boolean } | { ok: false; error: string };

export interface TrustAnchorSlot {
  /** Give this to createResolver; it delegates to whatever validator is installed. */
  readonly validator: Validator;
  /** True when at least one trust anchor is installed. */
  readonly enabled: boolean;
  readonly anchors: readonly TrustAnchor[];
  /** Key tags of the root anchors, for the RFC 8509 sentinel. */
  rootKeyTags(): number[];
  /** Builds a validator for these anchors and swaps it in; on failure the old one stays. */
  install(records: readonly RR[], insecureDomains: readonly Name[]): InstallResult;
  /** The resolver's cache exists only after the resolver; validators record verdicts in it. */
  attachCache(cache: RRsetCache): void;
}

const insecure: ValidationVerdict = { security: 'insecure', reasons: [] };

/** A stable fingerprint of anchors and NTAs, to tell whether a reload changed anything. */
function fingerprint(records: readonly RR[], insecureDomains: readonly Name[]): string {
  const rr = records.map((r) => `${r.name.key} ${r.type} ${Buffer.from(r.rdata).toString('hex')}`).sort();
  return JSON.stringify([rr, insecureDomains.map((n) => n.key).sort()]);
}

export function createTrustAnchorSlot(settings: ValidatorSettings, onVerdict?: (security: Security) => void): TrustAnchorSlot {
  let current: DnssecValidator | undefined;
  let currentPrint: string | undefined;
  let cache: RRsetCache | undefined;
  let rootTags: number[] = [];

  const validator: Validator = {
    async validateResolution(resolution, context) {
      const v = current;
      if (v === undefined) return insecure;
      const verdict = await v.validateResolution(resolution, context);
      onVerdict?.(verdict.security);
      return verdict;
    },
    synthesiseDenial(question, nowMs) {
      return current?.synthesiseDenial(question, nowMs);
    },
  };

  return {
    validator,
    get enabled() {
      return current !== undefined;
    },
    get anchors() {
      return current?.anchors ?? [];
    },
    rootKeyTags: () => rootTags,
    install(records, insecureDomains) {
      const print = fingerprint(records, insecureDomains);
      if (print === currentPrint) return { ok: true, changed: false };
      if (records.length === 0) {
        current = undefined;
        rootTags = [];
        currentPrint = print;
        return { ok: true, changed: true };
      }
      const made = createValidatorFromRecords(records, {
        insecureDomains,
        nsec3MaxIterations: settings.nsec3MaxIterations,
        bogusTtl: settings.bogusTtl,
        limits: settings.limits,
        ...(settings.hardenDnssecStripped !== undefined ? { hardenDnssecStripped: settings.hardenDnssecStripped } : {}),
        ...(settings.hardenAlgoDowngrade !== undefined ? { hardenAlgoDowngrade: settings.hardenAlgoDowngrade } : {}),
        ...(settings.aggressiveNsec !== undefined ? { aggressiveNsec: settings.aggressiveNsec } : {}),
        ...(cache !== undefined ? { cache } : {}),
      });
      if (!made.ok) return { ok: false, error: made.error };
      current = made.validator;
      currentPrint = print;
      rootTags = made.validator.anchors.flatMap((a) => (a.zone.isRoot ? anchorKeyTags(a) : []));
      return { ok: true, changed: true };
    },
    attachCache(c) {
      cache = c;
      current?.attachCache(c);
    },
  };
}
