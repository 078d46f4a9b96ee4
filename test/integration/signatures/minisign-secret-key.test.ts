import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { parsePublicKey, parseSignature, verifySignature } from '../../../electron/signatures/minisign.ts'
import {
  parseSecretKey,
  scryptParams,
  signMinisign,
  unlockSecretKey,
} from '../../../electron/signatures/minisign-secret-key.ts'
import { makeEncryptedKey, makePlainKey } from '../../fixtures/minisign-keys.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// Keys made by Debian's minisign; signatures made by our code and checked by minisign itself.
describe('minisign secret keys: ours signs, the real minisign verifies', () => {
  let dir: string
  const message = Buffer.from('{"format":"pinpoint-host-profile/1"}\n'.repeat(50))

  beforeAll(async () => {
    dir = await makeTempDir('minisign-sk')
    await makePlainKey(join(dir, 'plain.pub'), join(dir, 'plain.key'))
    await makeEncryptedKey(join(dir, 'locked.pub'), join(dir, 'locked.key'), 'correct horse')
    await writeFile(join(dir, 'msg'), message)
  }, 300_000)
  afterAll(() => removeTempDir(dir))

  const minisignVerifies = async (pub: string, sig: string) => {
    await writeFile(join(dir, 'msg.minisig'), sig)
    const { stdout } = await run('minisign', ['-V', '-p', join(dir, pub), '-m', join(dir, 'msg')])
    return stdout
  }

  it('signs with an unencrypted key (minisign -G -W) in the form minisign -V accepts, trusted comment included', async () => {
    const locked = parseSecretKey(await readFile(join(dir, 'plain.key'), 'utf8'))
    expect(locked.encrypted).toBe(false)
    const key = await unlockSecretKey(locked)
    const pub = parsePublicKey(await readFile(join(dir, 'plain.pub'), 'utf8'))
    expect(key.id).toBe(pub.id)
    expect(key.publicKey.text).toBe(pub.text)
    const sig = signMinisign(message, key, { trusted: 'timestamp:1 profile version:7' })
    const out = await minisignVerifies('plain.pub', sig)
    expect(out).toContain('Signature and comment signature verified')
    expect(out).toContain('timestamp:1 profile version:7')
    expect(verifySignature(parseSignature(sig), message, [pub])).toMatchObject({ algorithm: 'ED', keyId: pub.id })
  })

  it('a signature minisign rejects when the message changes: the check is real', async () => {
    const key = await unlockSecretKey(parseSecretKey(await readFile(join(dir, 'plain.key'), 'utf8')))
    const sig = signMinisign(Buffer.from('something else'), key, { trusted: 'x' })
    await expect(minisignVerifies('plain.pub', sig)).rejects.toThrow(/Signature verification failed/)
  })

  it('decrypts a passphrase-protected key (scrypt, N=2^20) and tells a wrong passphrase apart', async () => {
    const locked = parseSecretKey(await readFile(join(dir, 'locked.key'), 'utf8'))
    expect(locked.encrypted).toBe(true)
    const [right, wrong] = await Promise.allSettled([
      unlockSecretKey(locked, 'correct horse'),
      unlockSecretKey(locked, 'correct horse!'),
    ])
    expect(wrong.status).toBe('rejected')
    expect((wrong as PromiseRejectedResult).reason).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/wrong passphrase/),
    })
    expect(right.status).toBe('fulfilled')
    const key = (right as PromiseFulfilledResult<Awaited<ReturnType<typeof unlockSecretKey>>>).value
    expect(key.id).toBe(parsePublicKey(await readFile(join(dir, 'locked.pub'), 'utf8')).id)
    const out = await minisignVerifies('locked.pub', signMinisign(message, key, { trusted: 'profile version:2' }))
    expect(out).toContain('Signature and comment signature verified')
  }, 300_000)

  it('asks for the passphrase of an encrypted key rather than signing with garbage', async () => {
    const locked = parseSecretKey(await readFile(join(dir, 'locked.key'), 'utf8'))
    await expect(unlockSecretKey(locked)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/passphrase/),
    })
  })

  it("refuses a damaged key: a public half that is not the seed's", async () => {
    const text = await readFile(join(dir, 'plain.key'), 'utf8')
    const [comment, line] = text.split('\n')
    const raw = Buffer.from(line ?? '', 'base64')
    raw[54 + 8 + 32 + 5]! ^= 0x01
    const locked = parseSecretKey(`${comment}\n${raw.toString('base64')}\n`)
    await expect(unlockSecretKey(locked)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/damaged/),
    })
  })

  it('refuses text that is not a secret key, naming what was expected', () => {
    expect(() => parseSecretKey('untrusted comment: x\nRWQAAA==\n')).toThrow(/not a minisign secret key/)
  })
})

describe("scrypt parameters from libsodium's limits", () => {
  it("minisign's defaults are N=2^20, r=8, p=1 (1 GiB)", () => {
    expect(scryptParams(33554432, 1073741824)).toEqual({ N: 2 ** 20, r: 8, p: 1 })
  })
  it('an opslimit below memlimit/32 bounds N by the ops, with p=1', () => {
    // opslimit 2^20 < 2^30/32: maxN = 2^20/32 = 2^15, so N = 2^15.
    expect(scryptParams(2 ** 20, 2 ** 30)).toEqual({ N: 2 ** 15, r: 8, p: 1 })
  })
  it('a small opslimit is raised to 32768 first', () => {
    expect(scryptParams(1, 2 ** 30)).toEqual(scryptParams(32768, 2 ** 30))
  })
  it('a memory-bound cost spends the rest of the ops on p', () => {
    // memlimit 2^24: maxN = 2^24/1024 = 2^14, N = 2^14; p = floor(2^28/4/2^14/8) = 512.
    expect(scryptParams(2 ** 28, 2 ** 24)).toEqual({ N: 2 ** 14, r: 8, p: 512 })
  })
})
