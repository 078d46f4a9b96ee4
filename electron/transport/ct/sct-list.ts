/**
 * The TLS-encoded SignedCertificateTimestampList of RFC 6962 §3.3: a 2-byte length, then SCTs each with their
 * own 2-byte length. Every length is checked against what holds it, so a list that lies about a length is an
 * error naming the SCT, never a read past the end.
 */

export class SctParseError extends Error {
  override name = 'SctParseError'
}

/** One SCT (v1) as a log issued it. */
export interface Sct {
  version: number
  /** SHA-256 of the log's DER public key. */
  logId: Buffer
  /** Milliseconds since the epoch. */
  timestamp: number
  extensions: Buffer
  /** TLS HashAlgorithm: 4 is SHA-256, the only one RFC 6962 logs use. */
  hashAlgorithm: number
  /** TLS SignatureAlgorithm: 1 RSA, 3 ECDSA. */
  signatureAlgorithm: number
  signature: Buffer
}

export function parseSctList(list: Uint8Array): Sct[] {
  const r = new Reader(Buffer.from(list.buffer, list.byteOffset, list.length), 'SCT list')
  const body = r.vector(2)
  r.done()
  const out: Sct[] = []
  const items = new Reader(body, 'SCT list')
  while (!items.atEnd()) {
    const raw = items.vector(2)
    if (raw.length === 0) throw new SctParseError(`SCT ${out.length + 1}: empty`)
    out.push(parseSct(raw, out.length + 1))
  }
  if (out.length === 0) throw new SctParseError('SCT list: no SCTs')
  return out
}

function parseSct(raw: Buffer, n: number): Sct {
  const r = new Reader(raw, `SCT ${n}`)
  const version = r.uint(1)
  if (version !== 0) throw new SctParseError(`SCT ${n}: version ${version + 1} is not v1`)
  const logId = r.bytes(32)
  const timestamp = r.uint(8)
  const extensions = r.vector(2)
  const hashAlgorithm = r.uint(1)
  const signatureAlgorithm = r.uint(1)
  const signature = r.vector(2)
  r.done()
  return { version, logId, timestamp, extensions, hashAlgorithm, signatureAlgorithm, signature }
}

class Reader {
  private at = 0
  private readonly buf: Buffer
  private readonly what: string
  constructor(buf: Buffer, what: string) {
    this.buf = buf
    this.what = what
  }

  atEnd(): boolean {
    return this.at >= this.buf.length
  }

  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) {
      throw new SctParseError(`${this.what}: needs ${n} bytes at offset ${this.at}, has ${this.buf.length - this.at}`)
    }
    const out = this.buf.subarray(this.at, this.at + n)
    this.at += n
    return out
  }

  /** A big-endian unsigned integer of `n` bytes; an 8-byte timestamp above 2^53 is refused rather than rounded. */
  uint(n: number): number {
    let v = 0
    for (const b of this.bytes(n)) v = v * 256 + b
    if (!Number.isSafeInteger(v)) throw new SctParseError(`${this.what}: integer too large`)
    return v
  }

  /** A TLS vector: a length of `lengthBytes` bytes, then that many bytes. */
  vector(lengthBytes: number): Buffer {
    return this.bytes(this.uint(lengthBytes))
  }

  done(): void {
    if (!this.atEnd()) throw new SctParseError(`${this.what}: ${this.buf.length - this.at} bytes left over`)
  }
}
