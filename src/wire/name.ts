// Domain names as sequences of raw labels (RFC 1035 §3.1), case preserved, compared case-insensitively.
// Labels are bytes, not strings: a label may hold any octet (RFC 2181 §11), and DNSSEC canonical form
// (RFC 4034 §6.1) orders names by their lower-cased label bytes.

export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_WIRE_LENGTH = 255;

export type NameResult = { ok: true; name: Name } | { ok: false; error: string };

function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

function lowerLabel(label: Uint8Array): Uint8Array {
  let needs = false;
  for (const b of label) if (b >= 0x41 && b <= 0x5a) { needs = true; break; }
  if (!needs) return label;
  const out = new Uint8Array(label.length);
  for (let i = 0; i < label.length; i++) out[i] = lowerByte(label[i]);
  return out;
}

function labelToText(label: Uint8Array): string {
  let s = '';
  for (const b of label) {
    if (b === 0x2e || b === 0x5c || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b || b === 0x40 || b === 0x24) {
      s += '\\' + String.fromCharCode(b);
    } else if (b > 0x20 && b < 0x7f) {
      s += String.fromCharCode(b);
    } else {
      s += '\\' + b.toString().padStart(3, '0');
    }
  }
  return s;
}

/** An immutable domain name. `labels` excludes the empty root label; the root name has no labels. */
export class Name {
  readonly labels: readonly Uint8Array[];
  #key: string | undefined;
  #text: string | undefined;

  private constructor(labels: readonly Uint8Array[]) {
    this.labels = labels;
  }

  static readonly root: Name = new Name([]);

  /** Builds a name from labels already checked by the caller (wire decoder, parent/child helpers). */
  static fromLabelsUnchecked(labels: readonly Uint8Array[]): Name {
    return labels.length === 0 ? Name.root : new Name(labels);
  }

  static fromLabels(labels: readonly Uint8Array[]): NameResult {
    let wireLength = 1;
    for (const l of labels) {
      if (l.length === 0) return { ok: false, error: 'empty label' };
      if (l.length > MAX_LABEL_LENGTH) return { ok: false, error: `label longer than ${MAX_LABEL_LENGTH} octets` };
      wireLength += l.length + 1;
    }
    if (wireLength > MAX_NAME_WIRE_LENGTH) return { ok: false, error: `name longer than ${MAX_NAME_WIRE_LENGTH} octets` };
    return { ok: true, name: Name.fromLabelsUnchecked(labels) };
  }

  /**
   * Parses presentation format (RFC 1035 §5.1): `\X` and `\DDD` escapes. A name without a trailing
   * dot is relative and gets `origin` appended (the root when none is given).
   */
  static parse(text: string, origin: Name = Name.root): NameResult {
    if (text === '.') return { ok: true, name: Name.root };
    if (text === '@') return { ok: true, name: origin };
    if (text.length === 0) return { ok: false, error: 'empty name' };
    const labels: Uint8Array[] = [];
    let current: number[] = [];
    let absolute = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) {
        const d = text.slice(i + 1, i + 4);
        if (/^[0-9]{3}$/.test(d)) {
          const v = Number(d);
          if (v > 255) return { ok: false, error: `escape \\${d} out of range` };
          current.push(v);
          i += 3;
        } else if (i + 1 < text.length) {
          const next = text.charCodeAt(i + 1);
          if (next > 0x7f) return { ok: false, error: 'non-ASCII character in name' };
          current.push(next);
          i += 1;
        } else {
          return { ok: false, error: 'dangling backslash in name' };
        }
      } else if (c === 0x2e) {
        if (current.length === 0) return { ok: false, error: `empty label in "${text}"` };
        labels.push(Uint8Array.from(current));
        current = [];
        if (i === text.length - 1) absolute = true;
      } else {
        if (c > 0x7f) return { ok: false, error: `non-ASCII character in name "${text}"` };
        current.push(c);
      }
    }
    if (current.length > 0) labels.push(Uint8Array.from(current));
    if (!absolute) labels.push(...origin.labels);
    return Name.fromLabels(labels);
  }

  /** Parses a name that is known to be valid (constants, tests); throws on a programming error. */
  static of(text: string): Name {
    const r = Name.parse(text.endsWith('.') ? text : text + '.');
    if (!r.ok) throw new Error(`invalid name constant ${JSON.stringify(text)}: ${r.error}`);
    return r.name;
  }

  get labelCount(): number {
    return this.labels.length;
  }

  get isRoot(): boolean {
    return this.labels.length === 0;
  }

  /** Octets on the wire, uncompressed, including the root label. */
  get wireLength(): number {
    let n = 1;
    for (const l of this.labels) n += l.length + 1;
    return n;
  }

  /** Lower-cased presentation form: the identity of the name for maps and comparisons. */
  get key(): string {
    if (this.#key === undefined) this.#key = this.labels.length === 0 ? '.' : this.labels.map((l) => labelToText(lowerLabel(l))).join('.') + '.';
    return this.#key;
  }

  toString(): string {
    if (this.#text === undefined) this.#text = this.labels.length === 0 ? '.' : this.labels.map(labelToText).join('.') + '.';
    return this.#text;
  }

  equals(other: Name): boolean {
    if (this === other) return true;
    if (this.labels.length !== other.labels.length) return false;
    return this.key === other.key;
  }

  /** True when this name is `ancestor` or below it. */
  isSubdomainOf(ancestor: Name): boolean {
    const d = this.labels.length - ancestor.labels.length;
    if (d < 0) return false;
    for (let i = 0; i < ancestor.labels.length; i++) {
      const a = this.labels[d + i];
      const b = ancestor.labels[i];
      if (a.length !== b.length) return false;
      for (let j = 0; j < a.length; j++) if (lowerByte(a[j]) !== lowerByte(b[j])) return false;
    }
    return true;
  }

  /** The name with the leftmost `n` labels removed (n=1: the parent). The root's parent is the root. */
  parent(n = 1): Name {
    if (n <= 0) return this;
    if (n >= this.labels.length) return Name.root;
    return new Name(this.labels.slice(n));
  }

  /** The ancestor with exactly `count` labels (count ≤ labelCount). */
  suffix(count: number): Name {
    return this.parent(this.labels.length - count);
  }

  /** Prepends one label; returns an error when the result would exceed the length limits. */
  child(label: Uint8Array | string): NameResult {
    const l = typeof label === 'string' ? new TextEncoder().encode(label) : label;
    return Name.fromLabels([l, ...this.labels]);
  }

  /** Leftmost label, lower-cased, as text; '' for the root. */
  get firstLabelText(): string {
    return this.labels.length === 0 ? '' : labelToText(lowerLabel(this.labels[0]));
  }

  get isWildcard(): boolean {
    const f = this.labels[0];
    return f !== undefined && f.length === 1 && f[0] === 0x2a;
  }

  toLowerCase(): Name {
    return Name.fromLabelsUnchecked(this.labels.map(lowerLabel));
  }

  /** Uncompressed wire form; `lower` gives the RFC 4034 §6.2 canonical form. */
  toWire(lower = false): Uint8Array {
    const out = new Uint8Array(this.wireLength);
    let o = 0;
    for (const l of this.labels) {
      out[o++] = l.length;
      if (lower) for (let j = 0; j < l.length; j++) out[o++] = lowerByte(l[j]);
      else { out.set(l, o); o += l.length; }
    }
    out[o] = 0;
    return out;
  }

  /** Number of labels shared from the right (the closest common ancestor's label count). */
  commonLabelCount(other: Name): number {
    let n = 0;
    const a = this.labels, b = other.labels;
    while (n < a.length && n < b.length) {
      const la = a[a.length - 1 - n], lb = b[b.length - 1 - n];
      if (compareLabels(la, lb) !== 0) break;
      n++;
    }
    return n;
  }
}

/** Compares two labels as RFC 4034 §6.1 does: lower-cased octets, shorter prefix first. */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = lowerByte(a[i]) - lowerByte(b[i]);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Canonical DNS name order (RFC 4034 §6.1): compare label by label from the rightmost. */
export function compareNamesCanonical(a: Name, b: Name): number {
  const la = a.labels, lb = b.labels;
  let i = la.length - 1, j = lb.length - 1;
  while (i >= 0 && j >= 0) {
    const d = compareLabels(la[i], lb[j]);
    if (d !== 0) return d;
    i--; j--;
  }
  return la.length - lb.length;
}
