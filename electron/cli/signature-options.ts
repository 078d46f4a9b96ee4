import { readFile, stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { MAX_SIGNATURE_BYTES, type SignatureRequest, type SignatureSource } from '../../shared/signature.ts'
import { splitKeys } from '../signatures/classify.ts'
import { unreadable } from './unreadable.ts'

export interface SignatureFlags {
  signature?: string
  pubkey?: string[]
  checksumFile?: string
}

/**
 * `--signature URL|FILE|auto`, `--pubkey KEY|FILE` (repeatable) and `--checksum-file URL|FILE` as the request
 * stored with each download. A file is read now and kept with the download (its bytes, not its path), so the
 * app or `pinpoint serve` resuming it later verifies against the same thing.
 */
export async function signatureRequestOf(
  flags: SignatureFlags,
  cwd: string,
  urls: number,
): Promise<SignatureRequest | undefined> {
  const keys = await Promise.all((flags.pubkey ?? []).map((k) => keyText(k, cwd)))
  if (flags.signature === undefined && flags.checksumFile === undefined) {
    if (keys.length > 0) {
      throw new PinpointError('BAD_INPUT', '--pubkey is for checking a signature: give --signature too')
    }
    return undefined
  }
  try {
    splitKeys(keys)
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `--pubkey: ${(err as Error).message}`)
  }
  const signature =
    flags.signature === undefined
      ? undefined
      : flags.signature === 'auto'
        ? ('auto' as const)
        : await source(flags.signature, '--signature', cwd)
  const sums = flags.checksumFile === undefined ? undefined : await source(flags.checksumFile, '--checksum-file', cwd)
  if (signature !== undefined && signature !== 'auto' && sums === undefined && urls > 1) {
    throw new PinpointError('BAD_INPUT', '--signature FILE|URL is for one URL (use auto, or a signed --checksum-file)')
  }
  return {
    keys,
    ...(signature === undefined ? {} : { signature }),
    ...(sums === undefined ? {} : { sums }),
  }
}

async function source(text: string, flag: string, cwd: string): Promise<SignatureSource> {
  if (/^https?:\/\//i.test(text)) {
    try {
      return { url: new URL(text).href }
    } catch {
      throw new PinpointError('BAD_URL', `${flag} "${text}": not a valid URL`)
    }
  }
  const path = resolve(cwd, text)
  const bytes = await readSmall(path, flag)
  return { data: bytes.toString('base64'), name: basename(path) }
}

/** A key given inline (a base64 line, an armored block) or as a file holding it. */
async function keyText(text: string, cwd: string): Promise<string> {
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') || /^[A-Za-z0-9+/]{40,}={0,2}$/.test(text.trim())) {
    return text
  }
  return (await readSmall(resolve(cwd, text), '--pubkey')).toString('utf8')
}

async function readSmall(path: string, flag: string): Promise<Buffer> {
  try {
    const info = await stat(path)
    if (info.size > MAX_SIGNATURE_BYTES) throw new PinpointError('BAD_INPUT', `${flag} ${path}: larger than 1 MiB`)
    return await readFile(path)
  } catch (err) {
    if (err instanceof PinpointError) throw err
    throw new PinpointError('BAD_INPUT', `${flag} ${path}: ${unreadable(err)}`)
  }
}
