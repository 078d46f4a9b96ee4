import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { parsePublicKey, parseSignature, prehash, verifySignature } from '../../../electron/signatures/minisign.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// Keys and signatures made by Debian's minisign and signify, never by our own code: what we verify is what
// publishers actually ship.
describe('minisign and signify signatures, made by the real tools', () => {
  let dir: string
  let file: string
  const bytes = Buffer.from('the release artifact\n'.repeat(1000))

  beforeAll(async () => {
    dir = await makeTempDir('minisign')
    file = join(dir, 'release.tar')
    await writeFile(file, bytes)
    for (const name of ['a', 'b']) {
      await run('minisign', ['-G', '-W', '-p', join(dir, `${name}.pub`), '-s', join(dir, `${name}.key`)])
    }
    await run('minisign', ['-S', '-s', join(dir, 'a.key'), '-m', file, '-t', 'release 1.2.3, built by CI'])
    await run('minisign', ['-S', '-l', '-s', join(dir, 'a.key'), '-m', file, '-x', `${file}.legacy.minisig`])
    await run('signify-openbsd', ['-G', '-n', '-p', join(dir, 's.pub'), '-s', join(dir, 's.sec')])
    await run('signify-openbsd', ['-S', '-s', join(dir, 's.sec'), '-m', file, '-x', `${file}.sig`])
  })
  afterAll(() => removeTempDir(dir))

  const key = async (name: string) => parsePublicKey(await readFile(join(dir, name), 'utf8'))
  const sig = async (name: string) => parseSignature(await readFile(join(dir, name), 'utf8'))

  it('verifies a prehashed signature and its trusted comment, over the bytes or their streamed digest', async () => {
    const signature = await sig('release.tar.minisig')
    expect(signature.algorithm).toBe('ED')
    const a = await key('a.pub')
    const result = verifySignature(signature, bytes, [a])
    expect(result).toEqual({ algorithm: 'ED', keyId: a.id, trustedComment: 'release 1.2.3, built by CI' })
    const digest = prehash().update(bytes.subarray(0, 100)).update(bytes.subarray(100)).digest()
    expect(verifySignature(signature, { digest }, [a]).keyId).toBe(a.id)
    // The id is the one minisign itself prints for the key. Its comment prints the 64-bit id in hex without
    // leading zeros (one key in sixteen starts with a 0 nibble); ours is always 16 digits.
    const { stdout } = await run('minisign', ['-V', '-p', join(dir, 'a.pub'), '-m', file])
    expect(stdout).toContain('Signature and comment signature verified')
    const comment = (await readFile(join(dir, 'a.pub'), 'utf8')).split('\n')[0] ?? ''
    const printed = /public key ([0-9A-F]+)$/i.exec(comment)?.[1]
    expect(printed, comment).toBeDefined()
    expect(BigInt(`0x${printed}`)).toBe(BigInt(`0x${a.id}`))
    expect(a.id).toMatch(/^[0-9A-F]{16}$/)
  })

  it('verifies the legacy form and signify files', async () => {
    expect(verifySignature(await sig('release.tar.legacy.minisig'), bytes, [await key('a.pub')]).algorithm).toBe('Ed')
    const signify = await sig('release.tar.sig')
    expect(signify.trusted).toBeUndefined()
    expect(verifySignature(signify, bytes, [await key('s.pub')]).algorithm).toBe('Ed')
  })

  it('refuses tampered bytes, another key, and a changed trusted comment, each with its own code', async () => {
    const signature = await sig('release.tar.minisig')
    const a = await key('a.pub')
    const tampered = Buffer.from(bytes)
    tampered.writeUInt8(tampered.readUInt8(5) ^ 1, 5)
    expect(() => verifySignature(signature, tampered, [a])).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    )
    const b = await key('b.pub')
    expect(() => verifySignature(signature, bytes, [b])).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_KEY_UNKNOWN' }),
    )
    const text = await readFile(join(dir, 'release.tar.minisig'), 'utf8')
    const changed = parseSignature(text.replace('release 1.2.3', 'release 9.9.9'))
    expect(() => verifySignature(changed, bytes, [a])).toThrow(/trusted comment was changed/)
  })

  it('names what is wrong with a file that is not a key or a signature', async () => {
    expect(() => parsePublicKey('untrusted comment: x\nnot base64!')).toThrow(/public key/)
    expect(() => parseSignature('')).toThrow(/signature/)
    const text = await readFile(join(dir, 'release.tar.minisig'), 'utf8')
    expect(() => parseSignature(text.replace('\ntrusted comment:', '\ncomment:'))).toThrow(/trusted comment/)
  })
})
