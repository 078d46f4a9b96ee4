import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// `pinpoint get` against a real nginx serving files beside the signatures Debian's minisign, signify-openbsd
// and gpg made for them: a file appears only once its publisher's signature verifies over the bytes on disk.
let pki: Pki
let nginx: NginxServer
let keys: string
const payload = makePayload(3 * 1024 * 1024, 11)
const tampered = Buffer.from(payload).fill(0x5a, 1_000_000, 1_000_001)

beforeAll(async () => {
  keys = await makeTempDir('sig-cli-keys')
  const at = (n: string) => join(keys, n)
  const gnupg = at('gnupg')
  await mkdir(gnupg, { mode: 0o700 })
  const gpg = (...args: string[]) =>
    run('gpg', ['--batch', '--no-tty', ...args], { env: { ...process.env, GNUPGHOME: gnupg } })
  await writeFile(at('release.tar'), payload)
  await writeFile(at('other.iso'), 'another file\n')
  for (const name of ['a', 'b']) await run('minisign', ['-G', '-W', '-p', at(`${name}.pub`), '-s', at(`${name}.key`)])
  await run('minisign', ['-S', '-s', at('a.key'), '-m', at('release.tar'), '-t', 'release 1.0 by CI'])
  await run('signify-openbsd', ['-G', '-n', '-p', at('s.pub'), '-s', at('s.sec')])
  const { stdout: sums } = await run('sha256sum', ['--tag', 'release.tar', 'other.iso'], { cwd: keys })
  await writeFile(at('SHA256'), sums)
  await run('signify-openbsd', ['-S', '-e', '-s', at('s.sec'), '-m', at('SHA256'), '-x', at('SHA256.sig')])
  const { stdout: otherOnly } = await run('sha256sum', ['other.iso'], { cwd: keys })
  await writeFile(at('OTHERSUMS'), otherOnly)
  await gpg('--passphrase', '', '--quick-gen-key', 'Release Signer <release@example.org>', 'ed25519', 'sign', '2y')
  await gpg(
    '--yes',
    '-u',
    'release@example.org',
    '--armor',
    '--detach-sign',
    '-o',
    at('release.tar.asc'),
    at('release.tar'),
  )
  await writeFile(at('release.asc'), (await gpg('--armor', '--export', 'release@example.org')).stdout)

  const file = (n: string) => readFile(at(n))
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: {
      'pub/release.tar': payload,
      'pub/release.tar.minisig': await file('release.tar.minisig'),
      // The same signature beside bytes that differ from what was signed.
      'pub/tampered.tar': tampered,
      'pub/tampered.tar.minisig': await file('release.tar.minisig'),
      // Only an OpenPGP signature: `--signature auto` has to get past the missing .minisig and .sig.
      'pgp/release.tar': payload,
      'pgp/release.tar.asc': await file('release.tar.asc'),
      'bsd/release.tar': payload,
      'bsd/SHA256': await file('SHA256'),
      'bsd/SHA256.sig': await file('SHA256.sig'),
      'bsd/OTHERSUMS': await file('OTHERSUMS'),
      'bare/release.tar': payload,
    },
  })
}, 60_000)
afterAll(async () => {
  await nginx?.stop()
  await removeTempDir(keys)
})

async function get(path: string, ...args: string[]) {
  return getWith({}, path, ...args)
}
async function getWith(env: Record<string, string>, path: string, ...args: string[]) {
  const out = await makeTempDir('sig-cli-out')
  const r = await runCli(
    [
      'get',
      '--resolve',
      `a.test:${nginx.port}:127.0.0.1`,
      '--cacert',
      pki.caPath,
      '-d',
      out,
      ...args,
      `https://a.test:${nginx.port}/${path}`,
    ],
    { env },
  )
  return { ...r, out, files: (await readdir(out)).sort() }
}
const url = (path: string) => `https://a.test:${nginx.port}/${path}`
const key = (name: string) => join(keys, name)

describe('pinpoint get --signature', () => {
  it('completes a file whose minisign signature verifies, and shows the signer and trusted comment', async () => {
    const r = await get('pub/release.tar', '--signature', url('pub/release.tar.minisig'), '--pubkey', key('a.pub'))
    expect(r.stderr).toContain('signed by')
    expect(r.code).toBe(0)
    expect(r.files).toEqual(['release.tar'])
    expect((await readFile(join(r.out, 'release.tar'))).equals(payload)).toBe(true)
    // minisign's comment prints the id without leading zeros (%llX); we always show all 16 digits.
    const id = (await readFile(key('a.pub'), 'utf8'))
      .match(/minisign public key ([0-9A-F]{1,16})\b/)?.[1]
      ?.padStart(16, '0')
    expect(r.stderr).toContain(`signed by ${id} (minisign ED)`)
    expect(r.stderr).toContain('trusted comment: release 1.0 by CI')
    await removeTempDir(r.out)
  })

  it('exits 6 for a tampered file: no final file, the .part kept for inspection', async () => {
    const r = await get('pub/tampered.tar', '--signature', url('pub/tampered.tar.minisig'), '--pubkey', key('a.pub'))
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('does not match these bytes')
    expect(r.files).toEqual(['tampered.tar.part'])
    expect((await readFile(join(r.out, 'tampered.tar.part'))).equals(tampered)).toBe(true)
    await removeTempDir(r.out)
  })

  it('exits 6 for a signature by a key that is not pinned', async () => {
    const r = await get('pub/release.tar', '--signature', url('pub/release.tar.minisig'), '--pubkey', key('b.pub'))
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(/not trusted/)
    expect(r.files).toEqual(['release.tar.part'])
    await removeTempDir(r.out)
  })

  it('finds the sibling signature with auto, through the same host rules, past the ones that do not exist', async () => {
    const r = await get('pgp/release.tar', '--signature', 'auto', '--pubkey', key('release.asc'))
    expect(r.stderr).toContain('Release Signer <release@example.org>')
    expect(r.code).toBe(0)
    expect(r.files).toEqual(['release.tar'])
    const asked = nginx.accessLog().map((e) => `${e.status} ${e.request}`)
    expect(asked).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^404 GET \/pgp\/release\.tar\.minisig /),
        expect.stringMatching(/^404 GET \/pgp\/release\.tar\.sig /),
        expect.stringMatching(/^200 GET \/pgp\/release\.tar\.asc /),
      ]),
    )
    await removeTempDir(r.out)
  })

  it("takes the publisher's key from the host's saved rule, and refuses auto where no key is pinned", async () => {
    const state = await makeTempDir('sig-cli-state')
    const store = openStore({ dir: state })
    const keyLine = (await readFile(key('a.pub'), 'utf8')).split('\n')[1] ?? ''
    store.hostRules.upsert(HostRule.parse({ pattern: 'a.test', publisherKeys: [keyLine] }))
    store.close()
    const r = await getWith({ PINPOINT_STATE_DIR: state }, 'pub/release.tar', '--signature', 'auto')
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('trusted comment: release 1.0 by CI')
    await removeTempDir(r.out)
    await removeTempDir(state)
    const none = await get('pub/release.tar', '--signature', 'auto')
    expect(none.code).toBe(6)
    expect(none.stderr).toContain('no publisher key is configured for a.test')
    expect(none.files).toEqual(['release.tar.part'])
    await removeTempDir(none.out)
  })

  it('exits 6 when auto finds no signature at all', async () => {
    const r = await get('bare/release.tar', '--signature', 'auto', '--pubkey', key('a.pub'))
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('no signature found')
    expect(r.files).toEqual(['release.tar.part'])
    await removeTempDir(r.out)
  })

  it('checks the file against a signify-signed SHA256 list', async () => {
    const r = await get('bsd/release.tar', '--signature', url('bsd/SHA256.sig'), '--pubkey', key('s.pub'))
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/signed by [0-9A-F]{16} \(signify Ed\); listed as sha256 [0-9a-f]{64}/)
    expect(r.files).toEqual(['release.tar'])
    await removeTempDir(r.out)
  })

  it('takes an unsigned --checksum-file and says so; a list without the file is its own error', async () => {
    const ok = await get('bsd/release.tar', '--checksum-file', url('bsd/SHA256'))
    expect(ok.code).toBe(0)
    expect(ok.stderr).toContain('SHA256 is not signed')
    await removeTempDir(ok.out)
    const missing = await get('bsd/release.tar', '--checksum-file', url('bsd/OTHERSUMS'))
    expect(missing.code).toBe(6)
    expect(missing.stderr).toContain('OTHERSUMS has no line for release.tar')
    expect(missing.files).toEqual(['release.tar.part'])
    await removeTempDir(missing.out)
  })

  it('takes the signature, the key line and the sums file as local files and text, kept with the download', async () => {
    const keyLine = (await readFile(key('a.pub'), 'utf8')).split('\n')[1] ?? ''
    const r = await get('pub/release.tar', '--signature', key('release.tar.minisig'), '--pubkey', keyLine)
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('trusted comment: release 1.0 by CI')
    await removeTempDir(r.out)
    const sums = await get('bsd/release.tar', '--checksum-file', key('SHA256'))
    expect(sums.code).toBe(0)
    expect(sums.stderr).toMatch(/SHA256 is not signed/)
    await removeTempDir(sums.out)
  })

  it('refuses a key that is neither minisign/signify nor OpenPGP before fetching anything', async () => {
    const r = await get(
      'pub/release.tar',
      '--signature',
      'auto',
      '--pubkey',
      'bm90IGEga2V5IGF0IGFsbCBqdXN0IHNvbWUgdGV4dCBoZXJl',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--pubkey')
    expect(r.files).toEqual([])
    await removeTempDir(r.out)
  })
})
