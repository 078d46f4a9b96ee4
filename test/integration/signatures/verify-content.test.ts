import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { serializeSignatureRequest, type SignatureRequest } from '../../../shared/signature.ts'
import { VerificationFailed, verifyContent } from '../../../electron/engine/verify-content.ts'
import { openStore, type Store } from '../../../electron/store/open-store.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// Every signature, key and sums file here is made by Debian's signify-openbsd, minisign, sha256sum and gpg:
// what is verified is what publishers ship, never what our own code produced.
describe('verifying a finished file: signify lists, signed sums files and OpenPGP, made by the real tools', () => {
  let dir: string
  let gnupg: string
  let store: Store
  const file = 'release-1.0.tar'
  const bytes = Buffer.from('a release artifact\n'.repeat(5000))
  const tampered = Buffer.from(bytes).fill(0x41, 100, 101)
  const env = () => ({ transport: createTransport({ rules: () => [] }), hostRules: () => [] })
  const read = (name: string) => readFile(join(dir, name))
  const data = async (name: string) => ({ data: (await read(name)).toString('base64'), name })
  const text = (name: string) => readFile(join(dir, name), 'utf8')
  const gpg = (...args: string[]) =>
    run('gpg', ['--batch', '--no-tty', ...args], { env: { ...process.env, GNUPGHOME: gnupg } })

  /** A finished `.part` holding `content`, with the download's request stored as the engine finds it. */
  async function check(request: SignatureRequest, content = bytes, checksum?: string) {
    const part = join(dir, `${file}.part`)
    await writeFile(part, content)
    const row = store.transfers.insert({
      url: `https://downloads.example.org/pub/${file}`,
      dir,
      signature: serializeSignatureRequest(request),
      ...(checksum ? { checksum } : {}),
    })
    return verifyContent(env(), row, part)
  }
  async function failure(request: SignatureRequest, content = bytes): Promise<VerificationFailed> {
    const err = await check(request, content).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(VerificationFailed)
    return err as VerificationFailed
  }

  beforeAll(async () => {
    dir = await makeTempDir('verify-content')
    gnupg = join(dir, 'gnupg')
    await mkdir(gnupg, { mode: 0o700 })
    store = openStore({ dir: join(dir, 'state') })
    await writeFile(join(dir, file), bytes)
    await writeFile(join(dir, 'other.iso'), 'another file\n')
    // signify: a key pair, a BSD-style list (`SHA256 (name) = hex`) signed in embedded form, as OpenBSD does.
    await run('signify-openbsd', ['-G', '-n', '-p', join(dir, 's.pub'), '-s', join(dir, 's.sec')])
    await run('signify-openbsd', ['-G', '-n', '-p', join(dir, 'other.pub'), '-s', join(dir, 'other.sec')])
    const { stdout: bsd } = await run('sha256sum', ['--tag', file, 'other.iso'], { cwd: dir })
    await writeFile(join(dir, 'SHA256'), bsd)
    await run('signify-openbsd', [
      '-S',
      '-e',
      '-s',
      join(dir, 's.sec'),
      '-m',
      join(dir, 'SHA256'),
      '-x',
      join(dir, 'SHA256.sig'),
    ])
    const { stdout: only } = await run('sha256sum', ['--tag', 'other.iso'], { cwd: dir })
    await writeFile(join(dir, 'SHA256.other'), only)
    await run('signify-openbsd', [
      '-S',
      '-e',
      '-s',
      join(dir, 's.sec'),
      '-m',
      join(dir, 'SHA256.other'),
      '-x',
      join(dir, 'SHA256.other.sig'),
    ])
    // GNU-style SHA512SUMS (binary-mode `*name` lines), signed by minisign.
    await run('minisign', ['-G', '-W', '-p', join(dir, 'm.pub'), '-s', join(dir, 'm.key')])
    const { stdout: gnu } = await run('sha512sum', ['-b', file, 'other.iso'], { cwd: dir })
    await writeFile(join(dir, 'SHA512SUMS'), gnu)
    await run('minisign', ['-S', '-s', join(dir, 'm.key'), '-m', join(dir, 'SHA512SUMS'), '-t', 'sums of 1.0'])
    // OpenPGP: a good key, an expired one (made and used in 2020 with a day's validity), a revoked one.
    await gpg('--passphrase', '', '--quick-gen-key', 'Release Signer <release@example.org>', 'ed25519', 'sign', '2y')
    await gpg('--passphrase', '', '--quick-gen-key', 'Stranger <stranger@example.org>', 'ed25519', 'sign', '2y')
    const past = ['--faked-system-time', '20200101T000000']
    await gpg(...past, '--passphrase', '', '--quick-gen-key', 'Old <old@example.org>', 'ed25519', 'sign', '1d')
    await gpg('--passphrase', '', '--quick-gen-key', 'Revoked <revoked@example.org>', 'ed25519', 'sign', '2y')
    const sign = (who: string, out: string, ...extra: string[]) =>
      gpg(...extra, '--yes', '-u', who, '--detach-sign', '-o', join(dir, out), join(dir, file))
    await sign('release@example.org', `${file}.sig`)
    await sign('release@example.org', `${file}.asc`, '--armor')
    await sign('old@example.org', `${file}.old.sig`, ...past)
    await sign('revoked@example.org', `${file}.revoked.sig`)
    await gpg(
      '--yes',
      '-u',
      'release@example.org',
      '--armor',
      '--detach-sign',
      '-o',
      join(dir, 'SHA512SUMS.asc'),
      join(dir, 'SHA512SUMS'),
    )
    const revoke = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        'gpg',
        [
          '--no-tty',
          '--yes',
          '--command-fd',
          '0',
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          '',
          '-a',
          '--gen-revoke',
          'revoked@example.org',
        ],
        { env: { ...process.env, GNUPGHOME: gnupg } },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      )
      child.stdin?.end('y\n0\n\ny\n')
    })
    await writeFile(join(dir, 'revoke.asc'), revoke)
    await gpg('--import', join(dir, 'revoke.asc'))
    for (const who of ['release', 'stranger', 'old', 'revoked']) {
      const { stdout } = await gpg('--armor', '--export', `${who}@example.org`)
      await writeFile(join(dir, `${who}.asc`), stdout)
    }
  }, 60_000)
  afterAll(async () => {
    store?.close()
    await removeTempDir(dir)
  })

  it('verifies a signify-signed BSD list (the embedded form) and finds the file in it', async () => {
    const result = await check({ signature: await data('SHA256.sig'), keys: [await text('s.pub')] })
    expect(result).toMatchObject({ status: 'verified', format: 'signify', algorithm: 'Ed', source: 'SHA256.sig' })
    const { stdout } = await run('sha256sum', [file], { cwd: dir })
    expect(result?.sumsLine).toBe(`sha256 ${stdout.split(' ')[0]}`)
    // The same list checks out with signify itself.
    await run('signify-openbsd', ['-C', '-p', join(dir, 's.pub'), '-x', join(dir, 'SHA256.sig'), file], { cwd: dir })
  })

  it('refuses a tampered file against a signed list, a list without its line, and another key', async () => {
    const req = { signature: await data('SHA256.sig'), keys: [await text('s.pub')] }
    expect((await failure(req, tampered)).code).toBe('CHECKSUM_MISMATCH')
    const missing = await failure({ signature: await data('SHA256.other.sig'), keys: [await text('s.pub')] })
    expect(missing.code).toBe('CHECKSUM_MISMATCH')
    expect(missing.message).toContain(`has no line for ${file}`)
    const other = await failure({ signature: await data('SHA256.sig'), keys: [await text('other.pub')] })
    expect(other.code).toBe('SIGNATURE_KEY_UNKNOWN')
    expect(other.result.status).toBe('failed')
  })

  it('verifies a GNU SHA512SUMS signed by minisign, and refuses it when the sums file was changed', async () => {
    const keys = [await text('m.pub')]
    const result = await check({ signature: await data('SHA512SUMS.minisig'), sums: await data('SHA512SUMS'), keys })
    expect(result).toMatchObject({
      status: 'verified',
      format: 'minisign',
      algorithm: 'ED',
      trustedComment: 'sums of 1.0',
    })
    expect(result?.sumsLine).toMatch(/^sha512 [0-9a-f]{128}$/)
    // A list whose own signature does not verify vouches for nothing, even if the file's line is right.
    const changed = (await text('SHA512SUMS')).replace('other.iso', 'other2.iso')
    const bad = await failure({
      signature: await data('SHA512SUMS.minisig'),
      sums: { data: Buffer.from(changed).toString('base64'), name: 'SHA512SUMS' },
      keys,
    })
    expect(bad.code).toBe('SIGNATURE_INVALID')
  })

  it('takes an unsigned sums file, and says so', async () => {
    const result = await check({ sums: await data('SHA512SUMS'), keys: [] })
    expect(result?.status).toBe('unsigned')
    expect(result?.message).toContain('not signed')
    expect((await failure({ sums: await data('SHA512SUMS'), keys: [] }, tampered)).code).toBe('CHECKSUM_MISMATCH')
  })

  it('computes --checksum in the same pass as the signature', async () => {
    const { stdout } = await run('sha256sum', [file], { cwd: dir })
    const sha = `sha256=${stdout.split(' ')[0]}`
    const req = {
      signature: await data('SHA512SUMS.minisig'),
      sums: await data('SHA512SUMS'),
      keys: [await text('m.pub')],
    }
    expect((await check(req, bytes, sha))?.status).toBe('verified')
    const wrong = `sha256=${'0'.repeat(64)}`
    await expect(check(req, bytes, wrong)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' })
  })

  it('uses the digests computed while the file was written instead of reading it again', async () => {
    const part = join(dir, `${file}.part`)
    // On disk: tampered bytes. Handed over: the digests of the bytes as they were written. The check trusts the
    // latter, which shows the file was not read a second time (the engine feeds them from its own writes).
    await writeFile(part, tampered)
    const keys = [await text('m.pub')]
    const row = store.transfers.insert({
      url: `https://downloads.example.org/pub/${file}`,
      dir,
      signature: serializeSignatureRequest({
        signature: await data('SHA512SUMS.minisig'),
        sums: await data('SHA512SUMS'),
        keys,
      }),
    })
    const { createHash } = await import('node:crypto')
    const known = new Map([['sha512', createHash('sha512').update(bytes).digest()]])
    expect((await verifyContent(env(), row, part, undefined, known))?.status).toBe('verified')
    await expect(verifyContent(env(), row, part)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' })
  })

  it('verifies OpenPGP detached signatures, binary and armored, and refuses a tampered file', async () => {
    const keys = [await text('release.asc')]
    const binary = await check({ signature: await data(`${file}.sig`), keys })
    expect(binary).toMatchObject({
      status: 'verified',
      format: 'openpgp',
      signer: 'Release Signer <release@example.org>',
    })
    const { stdout } = await gpg('--list-keys', '--with-colons', 'release@example.org')
    const keyId = stdout
      .split('\n')
      .find((l) => l.startsWith('pub:'))
      ?.split(':')[4]
    expect(binary?.keyId).toBe(keyId)
    expect((await check({ signature: await data(`${file}.asc`), keys }))?.status).toBe('verified')
    const bad = await failure({ signature: await data(`${file}.sig`), keys }, tampered)
    expect(bad.code).toBe('SIGNATURE_INVALID')
  })

  it('checks --checksum from the same read that OpenPGP verifies, and refuses a wrong one', async () => {
    const { stdout } = await run('sha256sum', [file], { cwd: dir })
    const req = { signature: await data(`${file}.sig`), keys: [await text('release.asc')] }
    expect((await check(req, bytes, `sha256=${stdout.split(' ')[0]}`))?.format).toBe('openpgp')
    await expect(check(req, bytes, `sha256=${'1'.repeat(64)}`)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' })
  })

  it('refuses an OpenPGP signature by a key not pinned, by an expired key and by a revoked key', async () => {
    const stranger = await failure({ signature: await data(`${file}.sig`), keys: [await text('stranger.asc')] })
    expect(stranger.code).toBe('SIGNATURE_KEY_UNKNOWN')
    const old = await failure({ signature: await data(`${file}.old.sig`), keys: [await text('old.asc')] })
    expect(old.code).toBe('SIGNATURE_INVALID')
    expect(old.message).toMatch(/expired/i)
    const revoked = await failure({ signature: await data(`${file}.revoked.sig`), keys: [await text('revoked.asc')] })
    expect(revoked.code).toBe('SIGNATURE_INVALID')
    expect(revoked.message).toMatch(/revoked/i)
  })

  it('verifies a sums file signed with OpenPGP', async () => {
    const req = {
      signature: await data('SHA512SUMS.asc'),
      sums: await data('SHA512SUMS'),
      keys: [await text('release.asc')],
    }
    expect(await check(req)).toMatchObject({ status: 'verified', format: 'openpgp' })
  })
})
