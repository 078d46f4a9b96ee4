import { execFile, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { parsePublicKey } from '../../../electron/signatures/minisign.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { exitCodeFor } from '../../../shared/errors.ts'
import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { makeEncryptedKey, makePlainKey } from '../../fixtures/minisign-keys.ts'
import { BIN, onTerminal, runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)
const PIN = `sha256//${Buffer.alloc(32, 7).toString('base64')}`

/** Save these rules in a state folder, as the Hosts view would. */
function saveRules(stateDir: string, rules: HostRuleInput[], remove: string[] = []): void {
  const store = openStore({ dir: stateDir })
  try {
    for (const r of rules) store.hostRules.upsert(HostRule.parse(r))
    for (const p of remove) store.hostRules.remove(p)
  } finally {
    store.close()
  }
}

function rulesOf(stateDir: string): HostRule[] {
  const store = openStore({ dir: stateDir, readOnly: true })
  try {
    return store.hostRules.list()
  } finally {
    store.close()
  }
}

// Each case runs the CLI many times (each a process start); on a loaded two-core machine that outgrows the default.
describe('pinpoint profile export / import', { timeout: 120_000 }, () => {
  let dir: string
  let keyId: string
  const admin = () => join(dir, 'admin')
  const cli = (args: string[], stateDir: string, input?: string) =>
    runCli(args, { cwd: dir, env: { PINPOINT_STATE_DIR: stateDir }, ...(input === undefined ? {} : { input }) })

  beforeAll(async () => {
    dir = await makeTempDir('profile-cli')
    await makePlainKey(join(dir, 'admin.pub'), join(dir, 'admin.key'))
    keyId = parsePublicKey(await readFile(join(dir, 'admin.pub'), 'utf8')).id
    saveRules(admin(), [
      { pattern: 'mirror.example', addresses: ['127.0.0.1', '::1'], sni: 'origin.example' },
      { pattern: '*.internal.example', port: 8443, pins: [PIN], trust: 'pin' },
    ])
  })
  afterAll(() => removeTempDir(dir))

  const exportSigned = async (file: string, extra: string[] = []) => {
    const out = await cli(['profile', 'export', '--sign', 'admin.key', '--name', 'team', ...extra], admin())
    expect(out.code, out.stderr).toBe(0)
    await writeFile(join(dir, file), out.stdout)
  }

  it('round trip between two state folders: export signed, refuse the unknown key, import once trusted', async () => {
    await exportSigned('team.pinpoint-profile')
    // The documented split: the first four lines are the .minisig, the rest the signed JSON; minisign agrees.
    await run(
      'sh',
      ['-c', 'head -n 4 team.pinpoint-profile > t.minisig && tail -n +5 team.pinpoint-profile > t.json'],
      {
        cwd: dir,
      },
    )
    const verified = await run('minisign', ['-V', '-p', 'admin.pub', '-m', 't.json', '-x', 't.minisig'], { cwd: dir })
    expect(verified.stdout).toContain('Signature and comment signature verified')

    const team = join(dir, 'member')
    const refused = await cli(['profile', 'import', 'team.pinpoint-profile'], team)
    expect(refused.code).toBe(exitCodeFor('SIGNATURE_KEY_UNKNOWN'))
    expect(refused.stderr).toContain(`--trust-key ${keyId}`)
    expect(rulesOf(team)).toEqual([])

    const imported = await cli(['profile', 'import', 'team.pinpoint-profile', '--trust-key', keyId, '--yes'], team)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/\+ added +\*\.internal\.example:8443/)
    expect(imported.stdout).toMatch(/\+ added +mirror\.example:\*/)
    expect(rulesOf(team)).toEqual(rulesOf(admin()))

    // The key is trusted from now on: the next version needs no --trust-key.
    saveRules(admin(), [{ pattern: 'new.example', addresses: ['127.0.0.2'] }], ['mirror.example'])
    await exportSigned('team-2.pinpoint-profile')
    const next = await cli(['profile', 'import', 'team-2.pinpoint-profile', '--yes'], team)
    expect(next.code, next.stderr).toBe(0)
    expect(next.stdout).toContain('version 2 (installed: 1)')
    expect(next.stdout).toMatch(/\+ added +new\.example:\*/)
    expect(next.stdout).toMatch(/- removed +mirror\.example:\*/)
    expect(rulesOf(team)).toEqual(rulesOf(admin()))
  })

  it('a profile with one byte changed is refused: SIGNATURE_INVALID, exit 6, nothing applied', async () => {
    await exportSigned('tampered.pinpoint-profile')
    const text = await readFile(join(dir, 'tampered.pinpoint-profile'), 'utf8')
    const changed = text.replace('127.0.0.2', '127.0.0.3')
    expect(changed).not.toBe(text)
    await writeFile(join(dir, 'tampered.pinpoint-profile'), changed)
    const team = join(dir, 'tampered-member')
    const out = await cli(['profile', 'import', 'tampered.pinpoint-profile', '--trust-key', keyId, '--yes'], team)
    expect(out.code).toBe(6)
    expect(exitCodeFor('SIGNATURE_INVALID')).toBe(6)
    expect(out.stderr).toMatch(/signature by key .* does not match/)
    expect(rulesOf(team)).toEqual([])
  })

  it('imports a profile signed by the real minisign (two files: the JSON and its .minisig)', async () => {
    const out = await cli(
      ['profile', 'export', '--name', 'tool', '--public-key', 'admin.pub', '-o', 'tool.json'],
      admin(),
    )
    expect(out.code, out.stderr).toBe(0)
    expect(out.stderr).toContain('minisign -S -s <secret key> -m tool.json')
    await run('minisign', ['-S', '-s', 'admin.key', '-m', 'tool.json'], { cwd: dir })
    const team = join(dir, 'tool-member')
    const imported = await cli(['profile', 'import', 'tool.json', '--trust-key', keyId, '--yes'], team)
    expect(imported.code, imported.stderr).toBe(0)
    expect(rulesOf(team)).toEqual(rulesOf(admin()))
  })

  it('beside a running app, exports and imports through it: the same answers, its views told at once', async () => {
    const running = async (stateDir: string, emitted: string[]) =>
      startCore({
        stateDir,
        defaultDownloadDir: dir,
        appUrl: APP_PAGE_URL,
        desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
        emit: (channel) => void emitted.push(channel),
      })
    const adminApp = await running(admin(), [])
    try {
      // Signed here with the secret key, which never reaches the running app.
      const out = await cli(['profile', 'export', '--sign', 'admin.key', '--name', 'running'], admin())
      expect(out.code, out.stderr).toBe(0)
      await writeFile(join(dir, 'running.pinpoint-profile'), out.stdout)
    } finally {
      await adminApp.shutdown()
    }
    const team = join(dir, 'running-member')
    const emitted: string[] = []
    const teamApp = await running(team, emitted)
    try {
      const refused = await cli(['profile', 'import', 'running.pinpoint-profile'], team)
      expect(refused.code).toBe(exitCodeFor('SIGNATURE_KEY_UNKNOWN'))
      expect(refused.stdout).toContain('host profile "running" version 1 (not installed)')
      const done = await cli(['profile', 'import', 'running.pinpoint-profile', '--trust-key', keyId, '--yes'], team)
      expect(done.code, done.stderr).toBe(0)
      expect(done.stdout).toContain('imported host profile "running" version 1')
      expect(teamApp.store.hostRules.list()).toEqual(rulesOf(admin()))
      expect(emitted).toContain('hosts:changed')
    } finally {
      await teamApp.shutdown()
    }
  })

  it('refuses an older version than the installed one, and --dry-run only shows the diff', async () => {
    const team = join(dir, 'versions')
    await exportSigned('v10.pinpoint-profile', ['--version', '10'])
    expect((await cli(['profile', 'import', 'v10.pinpoint-profile', '--trust-key', keyId, '--yes'], team)).code).toBe(0)
    await exportSigned('v9.pinpoint-profile', ['--version', '9'])
    const older = await cli(['profile', 'import', 'v9.pinpoint-profile', '--yes'], team)
    expect(older.code).toBe(exitCodeFor('PROFILE_OLDER'))
    expect(older.stderr).toContain('version 9 is older than the installed version 10')

    saveRules(admin(), [
      { pattern: 'new.example', addresses: ['127.0.0.9'] },
      { pattern: 'extra.example', port: 81 },
    ])
    // No --version: one more than the highest export of this name (10, not the 9 exported last).
    await exportSigned('v11.pinpoint-profile')
    const before = rulesOf(team)
    const dry = await cli(['profile', 'import', 'v11.pinpoint-profile', '--dry-run'], team)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('version 11 (installed: 10)')
    expect(dry.stdout).toMatch(/\+ added +extra\.example:81/)
    expect(dry.stdout).toMatch(
      /~ changed +new\.example:\* \{"addresses":\["127\.0\.0\.9"\].*\(was \{"addresses":\["127\.0\.0\.2"\]/,
    )
    expect(rulesOf(team)).toEqual(before)

    // Off a terminal, without --yes, nothing is applied and the exit says a flag is missing.
    const unconfirmed = await cli(['profile', 'import', 'v11.pinpoint-profile'], team)
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toContain('pass --yes')
    expect(rulesOf(team)).toEqual(before)
  })

  it('shows a local edit as a conflict and keeps it, unless --take-profile names it', async () => {
    const team = join(dir, 'edits')
    await exportSigned('e1.pinpoint-profile', ['--version', '20'])
    expect((await cli(['profile', 'import', 'e1.pinpoint-profile', '--trust-key', keyId, '--yes'], team)).code).toBe(0)
    saveRules(team, [{ pattern: 'new.example', addresses: ['127.0.0.55'] }])
    saveRules(admin(), [{ pattern: 'new.example', addresses: ['127.0.0.66'] }])
    await exportSigned('e2.pinpoint-profile', ['--version', '21'])
    const kept = await cli(['profile', 'import', 'e2.pinpoint-profile', '--yes'], team)
    expect(kept.code, kept.stderr).toBe(0)
    expect(kept.stdout).toContain('! conflict new.example:*: kept as yours')
    expect(rulesOf(team).find((r) => r.pattern === 'new.example')?.addresses).toEqual(['127.0.0.55'])
    await exportSigned('e3.pinpoint-profile', ['--version', '22'])
    const taken = await cli(
      ['profile', 'import', 'e3.pinpoint-profile', '--yes', '--take-profile', 'new.example:*'],
      team,
    )
    expect(taken.code, taken.stderr).toBe(0)
    expect(rulesOf(team).find((r) => r.pattern === 'new.example')?.addresses).toEqual(['127.0.0.66'])
  })

  it('on a terminal, asks to trust a new key by its id and imports on yes', async () => {
    await exportSigned('tty.pinpoint-profile', ['--version', '30'])
    const team = join(dir, 'tty-member')
    const out = await runCli(['profile', 'import', 'tty.pinpoint-profile', '--yes'], {
      cwd: dir,
      env: { PINPOINT_STATE_DIR: team },
      tty: true,
      input: 'y\n',
    })
    expect(out.code, out.stdout).toBe(0)
    expect(out.stdout).toContain(`trust key ${keyId} for host profiles? [y/N]`)
    expect(rulesOf(team)).toEqual(rulesOf(admin()))
  })

  it('signs with an encrypted secret key: the passphrase from stdin off a terminal, typed with echo off on one', async () => {
    await makeEncryptedKey(join(dir, 'locked.pub'), join(dir, 'locked.key'), 'team secret')
    const sign = (passphrase: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [BIN, 'profile', 'export', '--sign', 'locked.key', '--name', 'locked'],
          { cwd: dir, env: { ...process.env, PINPOINT_STATE_DIR: admin() }, timeout: 280_000 },
          (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        )
        // The pipe stays open after the line, as a script's might: the passphrase is the first line, not all of stdin.
        child.stdin?.write(`${passphrase}\n`)
      })
    // On a terminal: the prompt, and the passphrase typed with echo off (`script` records what the terminal shows).
    // Typed only once the prompt shows: what is typed ahead is echoed by the terminal before anyone reads it.
    const onTty = new Promise<{ code: number; stdout: string }>((resolve) => {
      const [file, ...argv] = onTerminal([
        process.execPath,
        BIN,
        'profile',
        'export',
        '--sign',
        'locked.key',
        '--name',
        'tty',
      ])
      const child = spawn(file as string, argv, { cwd: dir, env: { ...process.env, PINPOINT_STATE_DIR: admin() } })
      let stdout = ''
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        if (stdout.includes('passphrase for') && child.stdin.writable) child.stdin.end('team secret\r')
      })
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout }))
    })
    const [good, bad, tty] = await Promise.all([sign('team secret'), sign('not it'), onTty])
    expect(tty.code, tty.stdout).toBe(0)
    expect(tty.stdout).toContain('passphrase for')
    expect(tty.stdout).toContain('untrusted comment: pinpoint host profile signature')
    expect(tty.stdout).not.toContain('team secret')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('wrong passphrase')
    expect(good.code, good.stderr).toBe(0)
    await writeFile(join(dir, 'locked.pinpoint-profile'), good.stdout)
    await run(
      'sh',
      ['-c', 'head -n 4 locked.pinpoint-profile > l.minisig && tail -n +5 locked.pinpoint-profile > l.json'],
      {
        cwd: dir,
      },
    )
    const verified = await run('minisign', ['-V', '-p', 'locked.pub', '-m', 'l.json', '-x', 'l.minisig'], { cwd: dir })
    expect(verified.stdout).toContain('Signature and comment signature verified')
  }, 300_000)
})
