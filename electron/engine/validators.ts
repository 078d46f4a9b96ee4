/**
 * Validators: how a download knows that every byte it holds comes from one and the same file.
 *
 * Two rules, for two different questions:
 *
 * - Within one download, "is this response still the file we started?" is answered by weak comparison: the
 *   same opaque tag, whether or not either side marks it weak (`W/"x"` and `"x"` are the same file), together
 *   with the same size. Apache, for one, marks an ETag weak while the file's mtime is within the current second
 *   and strong a second later, with the same tag and bytes; that is not a change of file.
 * - What we send as If-Range (and what a resume after a restart of the program relies on) must be a strong
 *   validator: a strong ETag; or, only when the server sent no ETag at all, a Last-Modified date that is at
 *   least a second older than the response's Date (within that second the file may have changed again
 *   without its date changing). A server compares If-Range strongly, so a weak one would only get us 200s.
 */

/** The validators a response carried, as sent. */
export interface Validators {
  etag: string | undefined
  lastModified: string | undefined
  /** The response's Date header, which says whether Last-Modified can be a strong validator. */
  date: string | undefined
}

/** The strong validators to keep in the store; a resume across runs needs one of them. */
export interface StrongValidators {
  etag: string | null
  lastModified: string | null
}

export function isWeakTag(etag: string): boolean {
  return etag.trimStart().startsWith('W/')
}

/** The tag without its weakness mark: what weak comparison compares. */
function opaqueTag(etag: string): string {
  const t = etag.trim()
  return t.startsWith('W/') ? t.slice(2) : t
}

/** Weak comparison of two entity tags: the same opaque tag, strong or weak. */
export function sameTag(a: string, b: string): boolean {
  return opaqueTag(a) === opaqueTag(b)
}

/**
 * Whether a Last-Modified date is a strong validator: the response's Date is at least one second later, so the
 * file did not change again within the second the date names before the server answered.
 */
export function isStrongDate(lastModified: string | undefined, date: string | undefined): boolean {
  if (lastModified === undefined || date === undefined) return false
  const modified = Date.parse(lastModified)
  const answered = Date.parse(date)
  return Number.isFinite(modified) && Number.isFinite(answered) && answered - modified >= 1000
}

/** The strong validators among `v`: a strong ETag; Last-Modified only with no ETag at all and a strong date. */
export function strongValidators(v: Validators): StrongValidators {
  return {
    etag: v.etag !== undefined && !isWeakTag(v.etag) ? v.etag : null,
    lastModified: v.etag === undefined && isStrongDate(v.lastModified, v.date) ? (v.lastModified ?? null) : null,
  }
}

/** What to send as If-Range for `v`, or undefined when it has no strong validator. */
export function ifRangeOf(v: StrongValidators): string | undefined {
  return v.etag ?? v.lastModified ?? undefined
}

/**
 * The file one download is fetching, as its first response (or, on a resume, the store) described it. Every
 * later response is checked against it, and a strong validator that turns up later is learned for If-Range.
 */
export class Representation {
  readonly #etag: string | undefined
  readonly #lastModified: string | undefined
  #strong: StrongValidators
  readonly #onStrong: (strong: StrongValidators) => void

  private constructor(
    etag: string | undefined,
    lastModified: string | undefined,
    strong: StrongValidators,
    onStrong: (strong: StrongValidators) => void,
  ) {
    this.#etag = etag
    this.#lastModified = lastModified
    this.#strong = strong
    this.#onStrong = onStrong
  }

  /** As the first response named it; `onStrong` is told of a strong validator learned later, to keep it. */
  static fromResponse(v: Validators, onStrong: (strong: StrongValidators) => void = () => {}): Representation {
    return new Representation(v.etag, v.lastModified, strongValidators(v), onStrong)
  }

  /** As the store kept it for a resume: only strong validators are kept. */
  static fromStore(s: StrongValidators): Representation {
    return new Representation(s.etag ?? undefined, s.lastModified ?? undefined, s, () => {})
  }

  /** The validator to send as If-Range: strong only, so undefined until one is known. */
  get ifRange(): string | undefined {
    return ifRangeOf(this.#strong)
  }

  /**
   * Why `v`, from a later response, is not the same file, or undefined when nothing says so. A response
   * without the validator we know is no evidence either way; its size is checked elsewhere.
   */
  changedBy(v: Validators): string | undefined {
    const changed = 'restarted: the file changed on the server'
    if (this.#etag !== undefined) return v.etag !== undefined && !sameTag(v.etag, this.#etag) ? changed : undefined
    if (this.#lastModified === undefined || v.etag !== undefined || v.lastModified === undefined) return undefined
    return Date.parse(v.lastModified) !== Date.parse(this.#lastModified) ? changed : undefined
  }

  /**
   * Learn a strong validator from a later response of the same file (changedBy said nothing) while none is
   * known: Apache's `W/"x"` becomes `"x"` a second later, a date becomes strong once a second has passed. Only
   * the kind of validator we compare by is learned: a tag if the file had one, else its date.
   */
  learn(v: Validators): void {
    if (this.ifRange !== undefined || this.changedBy(v) !== undefined) return
    const strong = strongValidators(v)
    if (this.#etag !== undefined && strong.etag !== null) this.#strong = { etag: strong.etag, lastModified: null }
    else if (this.#etag === undefined && this.#lastModified !== undefined && strong.lastModified !== null) {
      this.#strong = { etag: null, lastModified: strong.lastModified }
    } else return
    this.#onStrong(this.#strong)
  }
}
