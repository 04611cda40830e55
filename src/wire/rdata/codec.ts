// The contract every RDATA type module implements. One module per type family; the registry in
// ./index.ts dispatches on the type number and falls back to RFC 3597 opaque bytes.
import type { Name } from '../name.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** A presentation-format field as the zone-file tokenizer saw it. */
export interface Token {
  /** Raw text with escapes left in place (`\.`, `\032`); quotes removed when `quoted`. */
  readonly text: string;
  readonly quoted: boolean;
}

export interface RdataCodec<T> {
  readonly type: number;
  /** Decodes uncompressed wire RDATA; never throws. */
  decode(rdata: Uint8Array): ParseResult<T>;
  /** Encodes to uncompressed wire RDATA, names with their case preserved. */
  encode(value: T): Uint8Array;
  /** dig-style presentation of the RDATA fields. */
  toText(value: T): string;
  /** Parses the RDATA fields of a zone-file line; relative names are completed with `origin`. */
  fromText(fields: readonly Token[], origin: Name): ParseResult<T>;
  /** True when RFC 4034 §6.2 (as amended by RFC 6840 §5.1) lower-cases this type's embedded names. */
  readonly canonicalLowercase: boolean;
}
