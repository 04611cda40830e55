// RFC 1982 serial number arithmetic for 32-bit fields (RRSIG inception/expiration, RFC 4034 §3.1.5).

const HALF = 2 ** 31;
const MOD = 2 ** 32;

/**
 * Sign of a − b in serial order: negative when a precedes b, 0 when equal, positive when a follows.
 * Values exactly 2^31 apart are undefined in RFC 1982; both orders then answer "follows" (positive),
 * so a caller that asks "does X follow Y?" fails closed on such a pair.
 */
export function serialCompare(a: number, b: number): number {
  const d = (((a - b) % MOD) + MOD) % MOD;
  if (d === 0) return 0;
  return d <= HALF ? 1 : -1;
}
