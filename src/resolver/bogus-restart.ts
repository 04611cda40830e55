// What a bogus verdict says about the servers asked, so the resolver can ask a zone's other servers
// before answering SERVFAIL (as Unbound's validator restarts with "dnssec lame" servers marked in
// its infrastructure cache, VAL_MAX_RESTART_COUNT): which servers supplied the failing data, and
// which cached data and key entries must be forgotten so the next attempt really asks again.
import { RRClass, RRType } from '../wire/constants.ts';
import type { RRsetCache } from './cache.ts';
import type { BogusOrigin, Resolution, Validator } from './resolution.ts';
import { serverKey, type ServerAddress } from './transport.ts';
import type { Name } from '../wire/name.ts';

/** Restarts per client query after a bogus verdict (Unbound's VAL_MAX_RESTART_COUNT is 5; we keep it small). */
export const MAX_VALIDATION_RESTARTS = 2;

/** A server that supplied failing data, with the zone it was asked as. */
export interface Suspect {
  readonly server: ServerAddress;
  readonly zone: Name;
}

/**
 * The servers whose answers the failure rests on: for a data failure, the server of that step; for
 * a chain-of-trust failure at a zone, the servers that gave its DNSKEY RRset, its DS (the parent's
 * servers, asked directly or through the referral that carried it). Cached steps name no server.
 */
export function suspectsOf(origin: BogusOrigin, resolutions: readonly Resolution[]): Suspect[] {
  const out = new Map<string, Suspect>();
  const add = (server: ServerAddress | undefined, zone: Name): void => {
    if (server === undefined) return;
    out.set(`${serverKey(server)}|${zone.key}`, { server, zone });
  };
  if (origin.kind === 'data') {
    if (!origin.step.fromCache) add(origin.step.server, origin.step.zone);
    return [...out.values()];
  }
  const z = origin.zone;
  if (origin.unsigned !== undefined && !origin.unsigned.fromCache) add(origin.unsigned.server, origin.unsigned.zone);
  for (const r of resolutions) {
    for (const s of r.steps) {
      if (s.fromCache) continue;
      const keyData = s.kind !== 'referral' && s.question.name.equals(z) && (s.question.type === RRType.DNSKEY || s.question.type === RRType.DS);
      const dsReferral = s.kind === 'referral' && s.child?.equals(z) === true && s.authority.some((a) => a.type === RRType.DS && a.name.equals(z));
      if (keyData || dsReferral) add(s.server, s.zone);
    }
  }
  return [...out.values()];
}

/** Expires a cache entry at once (setSecurity's TTL cap of zero); a miss is fine. */
function expire(cache: RRsetCache, name: Name, type: number | undefined): void {
  cache.setSecurity(name, type, RRClass.IN, 'bogus', undefined, 0);
}

/**
 * Forgets what the failed attempt left behind: the data of every answer step (its remembered bogus
 * verdict would otherwise decide the next attempt from cache), and for a chain-of-trust failure the
 * zone's DNSKEY and DS and the bogus key entries judged from them.
 */
export function forgetBogusData(origin: BogusOrigin, res: Resolution, cache: RRsetCache, validator: Validator): void {
  for (const s of res.steps) {
    if (s.kind === 'referral') continue;
    for (const set of s.answer) expire(cache, set.name, set.type);
    if (s.kind === 'nxdomain') expire(cache, s.question.name, undefined);
    if (s.kind === 'nodata') expire(cache, s.question.name, s.question.type);
  }
  if (origin.kind === 'keys') {
    expire(cache, origin.zone, RRType.DNSKEY);
    expire(cache, origin.zone, RRType.DS);
    validator.forgetBogusKeys?.(origin.zone);
  }
}
