import { describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { noProxyProblem } from '../../../shared/no-proxy.ts'
import { SAVED_PROXY_PASSWORD } from '../../../shared/proxy.ts'
import { proxyFromDraft } from '../../../renderer/components/proxy-setting.tsx'
import { draftFromRule, emptyDraft, ruleFromDraft, sameDraft } from '../../../renderer/host-form-model.ts'

describe('the host form proxy field', () => {
  it('empty leaves the rule without one; direct and a URL are saved', () => {
    const base = { ...emptyDraft, pattern: 'files.test' }
    expect(ruleFromDraft(base)).toMatchObject({ ok: true, rule: { pattern: 'files.test' } })
    expect((ruleFromDraft(base) as { rule: HostRule }).rule.proxy).toBeUndefined()
    expect(ruleFromDraft({ ...base, proxy: 'Direct' })).toMatchObject({ rule: { proxy: 'direct' } })
    expect(ruleFromDraft({ ...base, proxy: ' socks5h://p:1080 ' })).toMatchObject({
      rule: { proxy: { url: 'socks5h://p:1080' } },
    })
  })

  it('a bad proxy is an error naming the field', () => {
    const r = ruleFromDraft({ ...emptyDraft, pattern: 'files.test', proxy: 'ftp://p' })
    expect(r.ok).toBe(false)
    expect((r as { errors: string[] }).errors.join()).toMatch(/^Proxy: /)
  })

  it("editing a rule keeps its proxy's anchors and pins while the URL stays, and drops them for another URL", () => {
    const pins = [`sha256//${'A'.repeat(43)}=`]
    const rule = HostRule.parse({ pattern: 'files.test', proxy: { url: 'https://p:3128', ca: 'PEM', pins } })
    const draft = draftFromRule(rule)
    expect(draft.proxy).toBe('https://p:3128')
    expect(sameDraft(draft, { ...draft, proxy: 'https://q:3128' })).toBe(false)
    expect(ruleFromDraft(draft)).toMatchObject({ rule: { proxy: { url: 'https://p:3128', ca: 'PEM', pins } } })
    expect(ruleFromDraft({ ...draft, proxy: 'https://q:3128' })).toMatchObject({
      rule: { proxy: { url: 'https://q:3128' } },
    })
    expect(JSON.stringify(ruleFromDraft({ ...draft, proxy: 'https://q:3128' }))).not.toContain('PEM')
  })

  it('a host rule never carries proxy credentials: they would travel to the window with every rule', () => {
    const r = HostRule.safeParse({ pattern: 'files.test', proxy: { url: 'http://p:3128', user: 'u', password: 'pw' } })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toMatch(/takes no user name or password/)
  })
})

describe('the proxy setting draft', () => {
  const d = { url: '', user: '', password: '', noProxy: '' }
  it('says why a manual proxy cannot be saved', () => {
    expect(proxyFromDraft('manual', d)).toMatchObject({ ok: false, why: expect.stringMatching(/Enter the proxy/) })
    expect(proxyFromDraft('manual', { ...d, url: 'p:1', password: 'x' })).toMatchObject({
      why: 'A password needs a user name',
    })
    expect(proxyFromDraft('manual', { ...d, url: 'http://u:p@h:1' })).toMatchObject({ ok: false })
    expect(proxyFromDraft('manual', { ...d, url: 'p:1', noProxy: '10.0.0.0/99' })).toMatchObject({ ok: false })
  })

  it('builds the setting, the saved-password marker included', () => {
    expect(proxyFromDraft('none', d)).toEqual({ ok: true, value: { mode: 'none' } })
    expect(
      proxyFromDraft('manual', { url: 'socks5://h:1', user: 'u', password: SAVED_PROXY_PASSWORD, noProxy: ' a.test ' }),
    ).toEqual({
      ok: true,
      value: {
        mode: 'manual',
        server: { url: 'socks5://h:1', user: 'u', password: SAVED_PROXY_PASSWORD },
        noProxy: 'a.test',
      },
    })
  })

  it('checks NO_PROXY entries', () => {
    expect(noProxyProblem('localhost, .example.com, 10.0.0.0/8, [::1]:80, *, fd00::/8')).toBe('')
    expect(noProxyProblem('exa mple!.com')).toMatch(/mple!\.com/)
  })
})
