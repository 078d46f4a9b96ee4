import { describe, expect, it } from 'vitest'

import { answerProxy, envProxy, serverFromUrl, settingProxy } from '../../../electron/transport/proxy-setting.ts'
import type { ProxySetting } from '../../../shared/proxy.ts'

const url = (s: string) => new URL(s)

describe('settingProxy', () => {
  const system = () => ({ url: 'socks5://sys:1080' })
  const server = { url: 'http://manual:3128' }

  it('none, manual (with its exemptions) and system', async () => {
    let setting: ProxySetting = { mode: 'none' }
    const lookup = settingProxy(() => setting, system)
    expect(await lookup(url('https://x.test/'))).toBeUndefined()
    setting = { mode: 'manual', server, noProxy: 'intra.test, 10.0.0.0/8' }
    expect(await lookup(url('https://x.test/'))).toEqual(server)
    expect(await lookup(url('https://a.intra.test/'))).toBeUndefined()
    expect(await lookup(url('http://10.1.2.3:8080/'))).toBeUndefined()
    setting = { mode: 'system' }
    expect(await lookup(url('https://x.test/'))).toEqual({ url: 'socks5://sys:1080' })
  })
})

describe('the system proxy', () => {
  it("Chromium's answer: the first usable entry, DIRECT first means none", async () => {
    const asked: string[] = []
    const lookup = answerProxy(async (u) => {
      asked.push(u)
      return u.includes('direct') ? 'DIRECT; PROXY p:1' : 'SOCKS q:1; HTTPS proxy.test:8443; DIRECT'
    })
    expect(await lookup(url('https://x.test/f'))).toEqual({ url: 'https://proxy.test:8443' })
    expect(await lookup(url('https://direct.test/'))).toBeUndefined()
    expect(asked).toEqual(['https://x.test/f', 'https://direct.test/'])
  })

  it('the environment: credentials move out of the URL; a bad variable is an error naming it, not its secret', () => {
    const lookup = envProxy({ https_proxy: 'socks5h://bob:pw@127.0.0.1:1080' })
    expect(lookup(url('https://x.test/'))).toEqual({ url: 'socks5h://127.0.0.1:1080', user: 'bob', password: 'pw' })
    expect(lookup(url('http://x.test/'))).toBeUndefined()
    expect(() => envProxy({ HTTPS_PROXY: 'gopher://u:secret@h' })(url('https://x/'))).toThrow(
      /the HTTPS_PROXY variable \(gopher:\/\/h\)/,
    )
    expect(serverFromUrl('h', 'x')).toEqual({ url: 'http://h:1080' })
  })
})
