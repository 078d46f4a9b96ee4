import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'

import type { HostRule } from '../../shared/domain.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { parseProfile } from '../../shared/profile.ts'
import {
  MAX_SIGNATURE_BYTES,
  parseSignatureRequest,
  type SignatureResult,
  type SignatureSource,
} from '../../shared/signature.ts'
import { classifySignature, splitKeys, type PublisherKeys, type SignatureFile } from '../signatures/classify.ts'
import { verifySignature, type Signature } from '../signatures/minisign.ts'
import { verifyOpenPgp, type OpenPgpVerified } from '../signatures/openpgp.ts'
import { parseSums, sumsEntryFor, type SumsEntry } from '../signatures/sums-file.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import { findRule } from '../transport/host-rules.ts'
import type { Transport } from '../transport/transport.ts'
import { parseChecksum } from './checksum.ts'
import { fetchSmall } from './fetch-small.ts'
import { hashFileMany, hashingStream } from './hash-many.ts'

export interface VerifyEnv {
  transport: Transport
  /** The saved host rules, for their publisher keys. */
  hostRules: () => readonly HostRule[]
  idleTimeoutMs?: number
}

/** Where `--signature auto` looks, in order, beside the file's (or the sums file's) URL. */
export const SIBLING_SUFFIXES = ['.minisig', '.sig', '.asc'] as const
/** A legacy (`Ed`) signature covers the bytes themselves, which must then be held in memory at once. */
const MAX_LEGACY_BYTES = 1024 ** 3

/**
 * Everything the finished `.part` must prove before it gets its name: its `--checksum`, its publisher's
 * signature, its line in a (signed) sums file. Each digest the checks need is computed in one read of the file.
 * Returns what to show for the signature (undefined when only a checksum was asked); a failure is thrown as
 * SIGNATURE_INVALID, SIGNATURE_KEY_UNKNOWN or CHECKSUM_MISMATCH with a `result` to keep.
 */
export async function verifyContent(
  env: VerifyEnv,
  row: TransferRow,
  partPath: string,
  signal?: AbortSignal,
  /** Digests already computed as the file was written (see InOrderDigests); only the others are read for. */
  known?: ReadonlyMap<string, Buffer>,
): Promise<SignatureResult | undefined> {
  const checksum = row.checksum ? parseChecksum(row.checksum) : undefined
  const req = parseSignatureRequest(row.signature)
  const fileUrl = new URL(row.url)
  let shown: SignatureResult | undefined
  try {
    const keyTexts = [...(req?.keys ?? []), ...publisherKeysFor(env, row, fileUrl)]
    const load = (src: SignatureSource) => loadSource(env, src, signal)
    const sumsBytes = req?.sums ? await load(req.sums) : undefined
    const sumsName = req?.sums ? sourceName(req.sums) : undefined
    let sigFile: SignatureFile | undefined
    let sigName = ''
    if (req?.signature === 'auto') {
      if (keyTexts.length === 0) {
        throw new PinpointError(
          'SIGNATURE_KEY_UNKNOWN',
          `no publisher key is configured for ${fileUrl.hostname}: give --pubkey or add one to the host's rule`,
        )
      }
      const base = req.sums && 'url' in req.sums ? new URL(req.sums.url) : fileUrl
      if (req.sums && !('url' in req.sums)) {
        throw new PinpointError('BAD_INPUT', '--signature auto needs the sums file as a URL to look beside it')
      }
      const found = await findSibling(env, base, signal)
      sigName = found.name
      sigFile = classifySignature(found.bytes)
      shown = attempted(sigName, sigFile)
    } else if (req?.signature) {
      sigName = sourceName(req.signature)
      sigFile = classifySignature(await load(req.signature))
      shown = attempted(sigName, sigFile)
    }
    const keys = sigFile ? splitKeys(keyTexts) : { ed25519: [], openpgp: [] }

    // What vouches for the file: a signed (or unsigned) list of sums, or the signature itself.
    let sums: { entries: SumsEntry[]; name: string } | undefined
    let fileSignature: SignatureFile | undefined
    if (sigFile?.kind === 'embedded') {
      shown = signed(sigName, verifyEd(sigFile, sigFile.message, keys), 'signify')
      sums = { entries: parseSums(sigFile.message.toString('utf8')), name: sigName }
    } else if (sumsBytes && sumsName !== undefined) {
      if (sigFile) shown = await verifyWhole(sigFile, sumsBytes, keys, sigName)
      else shown = { status: 'unsigned', message: `${sumsName} is not signed: it only guards against damage` }
      sums = { entries: parseSums(sumsBytes.toString('utf8')), name: sumsName }
    } else if (sigFile) {
      fileSignature = sigFile
    }

    const names = [decodeURIComponent(basename(fileUrl.pathname)), row.name ?? '', basename(row.targetPath ?? '')]
    const entry = sums ? sumsEntryFor(sums.entries, names, sums.name) : undefined
    const prehashed = fileSignature?.kind === 'ed25519' && fileSignature.signature.algorithm === 'ED'
    const algos = new Set<string>()
    if (checksum) algos.add(checksum.algo)
    if (entry) algos.add(entry.algo)
    if (prehashed) algos.add('blake2b512')
    const missing = [...algos].filter((a) => !known?.has(a))
    let openpgp: OpenPgpVerified | undefined
    let computed: Map<string, Buffer>
    if (fileSignature?.kind === 'openpgp') {
      // openpgp must read the bytes themselves; the other digests are fed from the same reads.
      const pass = hashingStream(partPath, missing, signal)
      try {
        openpgp = await verifyOpenPgp(fileSignature.bytes, pass.stream, keys.openpgp)
      } finally {
        await pass.close()
      }
      computed = pass.digests()
    } else {
      computed = await hashFileMany(partPath, missing, signal)
    }
    const digests = new Map([...(known ?? []), ...computed])

    if (checksum) {
      const have = digests.get(checksum.algo)?.toString('hex')
      if (have !== checksum.hex) {
        throw new PinpointError('CHECKSUM_MISMATCH', `${checksum.algo} mismatch: expected ${checksum.hex}, got ${have}`)
      }
    }
    if (entry && sums) {
      const have = digests.get(entry.algo)?.toString('hex')
      if (have !== entry.hex) {
        throw new PinpointError(
          'CHECKSUM_MISMATCH',
          `${entry.algo} from ${sums.name} does not match: expected ${entry.hex}, got ${have}`,
        )
      }
      shown = { ...(shown as SignatureResult), sumsLine: `${entry.algo} ${entry.hex}` }
    }
    if (fileSignature?.kind === 'ed25519') {
      const fmt = fileSignature.signature.trusted ? 'minisign' : 'signify'
      const digest = digests.get('blake2b512')
      const message = digest ? { digest } : await readWhole(partPath)
      shown = signed(sigName, verifySignature(fileSignature.signature, message, keys.ed25519), fmt)
    } else if (openpgp) {
      shown = { status: 'verified', format: 'openpgp', ...openpgp, ...(sigName ? { source: sigName } : {}) }
    }
    return shown
  } catch (err) {
    if (isPinpointError(err)) throw new VerificationFailed(err, { ...shown, status: 'failed', message: err.message })
    throw err
  }
}

/** What is known of a signature before it is checked, so a failure can still show who it claims to be by. */
function attempted(source: string, sig: SignatureFile): SignatureResult {
  const base = { status: 'failed' as const, ...(source ? { source } : {}) }
  if (sig.kind === 'openpgp') return { ...base, format: 'openpgp' }
  const format = sig.kind === 'ed25519' && sig.signature.trusted ? 'minisign' : 'signify'
  return { ...base, format, algorithm: sig.signature.algorithm, keyId: sig.signature.keyId }
}

/** A failed check, with what to keep and show about it. */
export class VerificationFailed extends PinpointError {
  readonly result: SignatureResult
  constructor(cause: PinpointError, result: SignatureResult) {
    super(cause.code, cause.message, cause.context)
    this.result = result
  }
}

function signed(
  name: string,
  v: { algorithm: string; keyId: string; trustedComment?: string },
  fallback: 'minisign' | 'signify',
): SignatureResult {
  const format = v.trustedComment !== undefined ? 'minisign' : fallback
  return { status: 'verified', format, ...v, ...(name ? { source: name } : {}) }
}

function verifyEd(sig: { signature: Signature }, message: Buffer, keys: PublisherKeys) {
  return verifySignature(sig.signature, message, keys.ed25519)
}

/** A signature over bytes already in memory (a sums file). */
async function verifyWhole(
  sig: SignatureFile,
  bytes: Buffer,
  keys: PublisherKeys,
  source: string,
): Promise<SignatureResult> {
  if (sig.kind === 'openpgp') {
    const v = await verifyOpenPgp(sig.bytes, bytes, keys.openpgp)
    return { status: 'verified', format: 'openpgp', ...v, ...(source ? { source } : {}) }
  }
  const fmt = sig.signature.trusted ? 'minisign' : 'signify'
  return signed(source, verifySignature(sig.signature, bytes, keys.ed25519), fmt)
}

async function readWhole(path: string): Promise<Buffer> {
  const { size } = await stat(path)
  if (size > MAX_LEGACY_BYTES) {
    throw new PinpointError(
      'SIGNATURE_INVALID',
      'a legacy (Ed) signature over a file larger than 1 GiB is not verified: ask the publisher for a prehashed one',
    )
  }
  return readFile(path)
}

/** The keys the saved host rules and the download's own rules pin for the file's host. */
function publisherKeysFor(env: VerifyEnv, row: TransferRow, url: URL): string[] {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const own = findRule(parseProfile(row.connection)?.rules ?? [], url.hostname, port)
  const saved = findRule(env.hostRules(), url.hostname, port)
  return [...(own?.publisherKeys ?? []), ...(saved?.publisherKeys ?? [])]
}

async function loadSource(env: VerifyEnv, src: SignatureSource, signal?: AbortSignal): Promise<Buffer> {
  if ('data' in src) return Buffer.from(src.data, 'base64')
  const body = await fetchSmall(env.transport, new URL(src.url), {
    maxBytes: MAX_SIGNATURE_BYTES,
    ...(signal ? { signal } : {}),
    ...(env.idleTimeoutMs ? { idleTimeoutMs: env.idleTimeoutMs } : {}),
  })
  return body as Buffer
}

function sourceName(src: SignatureSource): string {
  return 'url' in src ? decodeURIComponent(basename(new URL(src.url).pathname)) : src.name
}

/** The first of the sibling signatures that exists (200); none of them is a clear failure, not a pass. */
async function findSibling(env: VerifyEnv, base: URL, signal?: AbortSignal): Promise<{ name: string; bytes: Buffer }> {
  const tried: string[] = []
  for (const suffix of SIBLING_SUFFIXES) {
    const url = new URL(base.href)
    url.pathname += suffix
    url.search = ''
    url.hash = ''
    tried.push(redactUrl(url))
    const bytes = await fetchSmall(env.transport, url, {
      maxBytes: MAX_SIGNATURE_BYTES,
      missingOk: true,
      ...(signal ? { signal } : {}),
      ...(env.idleTimeoutMs ? { idleTimeoutMs: env.idleTimeoutMs } : {}),
    })
    if (bytes) return { name: basename(url.pathname), bytes }
  }
  throw new PinpointError('SIGNATURE_INVALID', `no signature found: tried ${tried.join(', ')}`)
}

/**
 * The digests worth computing while a download is written, before its signature or sums file is fetched: the
 * `--checksum`'s, BLAKE2b-512 for a signature (minisign's prehashed form, the common one), and for a sums file
 * the algorithm its name suggests. A guess that misses costs a read of the file afterwards, nothing more.
 */
export function streamableDigests(row: TransferRow): string[] {
  const algos = new Set<string>()
  if (row.checksum) algos.add(parseChecksum(row.checksum).algo)
  const req = parseSignatureRequest(row.signature)
  if (req?.sums) algos.add(/512/.test(sourceName(req.sums)) ? 'sha512' : 'sha256')
  else if (req?.signature) algos.add('blake2b512')
  return [...algos]
}
