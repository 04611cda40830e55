// The one place a DNSSEC signature is checked cryptographically, as a value the validator can be
// handed. The daemon always uses REAL_SIGNATURE_CHECK (node:crypto through algorithms.ts; the config
// has no key to change it). The injection point exists for the Unbound replay harness only, whose
// corpus was signed with DSA and 512-bit RSA keys that Unbound's test build accepts unchecked
// (`fake-sha1: yes`); see test/replay/fake-sha1.ts. RFC 8624 §3.1: DSA MUST NOT be validated.
import { isSupportedAlgorithm, keyFromDnskey, verifySignature, type KeyFailureKind } from './algorithms.ts';

export type SignatureCheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: KeyFailureKind | 'bad-signature'; readonly detail: string };

export interface SignatureCheck {
  /** DS and DNSKEY records of an algorithm this says no to make their zone insecure (RFC 4035 §5.2). */
  supports(algorithm: number): boolean;
  /** Verifies `signature` over `data` with the key in `dnskey` (DNSKEY RDATA, wire form). */
  verify(algorithm: number, dnskey: Uint8Array, data: Uint8Array, signature: Uint8Array): SignatureCheckResult;
}

export const REAL_SIGNATURE_CHECK: SignatureCheck = {
  supports: isSupportedAlgorithm,
  verify(algorithm, dnskey, data, signature) {
    const k = keyFromDnskey(dnskey);
    if (!k.ok) return { ok: false, kind: k.kind, detail: k.detail };
    return verifySignature(algorithm, k.key, data, signature);
  },
};
