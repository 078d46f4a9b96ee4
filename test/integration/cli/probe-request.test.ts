import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { exitCodeFor } from '../../../shared/errors.ts'
import { startAuthNginx, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { runCli } from '../../fixtures/run-cli.ts'

// `pinpoint probe` with get's request flags, against a real nginx that wants Basic auth, a header, a cookie or a
// Bearer token by location: with them, probe sends one HEAD and the server's answer decides the exit code.
const USER = 'erin'
const PASSWORD = 'Pr0be-pw:x'
const TOKEN = 'tok-Probe-1'
const SESSION = 'sess-Probe-2'
const BEARER = 'bearer-Probe-3'

let nginx: AuthNginx
beforeAll(async () => {
  nginx = await startAuthNginx({
    file: Buffer.from('probe me'),
    user: USER,
    password: PASSWORD,
    realm: 'Probe files',
    token: TOKEN,
    session: SESSION,
    bearer: BEARER,
  })
}, 60_000)
afterAll(async () => {
  await nginx?.stop()
})

const at = (path: string) => `${nginx.base}${path}`

describe('probe with request flags', () => {
  it('passes a Basic-auth location with -u, and fails it with AUTH_REQUIRED without credentials', async () => {
    const ok = await runCli(['probe', '--json', '-u', `${USER}:${PASSWORD}`, at('/basic/file.bin')])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ http: { method: 'HEAD', status: 200 } })

    const wrong = await runCli(['probe', '--json', '-u', `${USER}:nope`, at('/basic/file.bin')])
    expect(wrong.code).toBe(exitCodeFor('AUTH_REQUIRED'))
    expect(JSON.parse(wrong.stdout)).toMatchObject({ http: { status: 401 }, error: { code: 'AUTH_REQUIRED' } })

    const none = await runCli(['probe', '-H', 'X-Plain: yes', at('/basic/file.bin')])
    expect(none.code).toBe(exitCodeFor('AUTH_REQUIRED'))
    expect(none.stderr).toContain('credentials needed')
    expect(none.stdout).toContain('http       HEAD 401')

    const log = await nginx.waitForAccessLog(3)
    expect(log.map((e) => e.request.split(' ')[0])).toEqual(['HEAD', 'HEAD', 'HEAD'])
    expect(log[0]?.http_authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`)
    expect(log[2]).toMatchObject({ http_authorization: '', http_x_plain: 'yes' })
  })

  it('sends -H, -b and --oauth2-bearer as get does', async () => {
    expect((await runCli(['probe', '-H', `X-Token: ${TOKEN}`, at('/header/file.bin')])).code).toBe(0)
    expect((await runCli(['probe', '-b', `session=${SESSION}`, at('/cookie/file.bin')])).code).toBe(0)
    expect((await runCli(['probe', '--oauth2-bearer', BEARER, at('/bearer/file.bin')])).code).toBe(0)
    const noToken = await runCli(['probe', '-b', 'session=wrong', at('/cookie/file.bin')])
    expect(noToken.code).toBe(exitCodeFor('HTTP_STATUS'))
  })

  it('sends no request at all without request flags, as before', async () => {
    const before = nginx.accessLog().length
    const r = await runCli(['probe', '--json', at('/basic/file.bin')])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).http).toBeUndefined()
    expect(nginx.accessLog().length).toBe(before)
  })

  it('refuses request flags beside --nodes or --dns-compare, whose probes send none', async () => {
    const r = await runCli(['probe', '--nodes', '-u', `${USER}:${PASSWORD}`, at('/basic/file.bin')])
    expect(r.code).toBe(exitCodeFor('BAD_INPUT'))
    expect(r.stderr).toContain('go with a plain probe')
  })
})
