import { describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { effectiveRule } from '../../../shared/profile.ts'
import { connectSetup } from '../../../electron/cli/connect-options.ts'

describe('Certificate Transparency in host rules and download profiles', () => {
  it("a download's own CT mode wins over the saved rule's, and the saved one applies when it gives none", () => {
    const saved = HostRule.parse({ pattern: 'a.test', ct: 'enforce', ctPolicy: 'chrome' })
    const own = HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'] })
    expect(effectiveRule(own, saved)).toMatchObject({ ct: 'enforce', ctPolicy: 'chrome', addresses: ['127.0.0.1'] })
    const report = HostRule.parse({ pattern: 'a.test', ct: 'report' })
    expect(effectiveRule(report, saved)).toMatchObject({ ct: 'report', ctPolicy: 'chrome' })
  })

  it('a rule refuses an unknown mode or policy, and one without them parses as before', () => {
    expect(HostRule.safeParse({ pattern: 'a.test', ct: 'maybe' }).success).toBe(false)
    expect(HostRule.safeParse({ pattern: 'a.test', ctPolicy: 'one' }).success).toBe(false)
    expect(HostRule.parse({ pattern: 'a.test' })).not.toHaveProperty('ct')
  })

  it('--ct and --ct-policy become the URL host rule, merged into its --resolve rule', async () => {
    const setup = await connectSetup({ resolve: ['a.test:443:127.0.0.1'], ct: 'enforce', ctPolicy: 'chrome' }, [
      new URL('https://a.test/x'),
    ])
    expect(setup.rules).toHaveLength(1)
    expect(setup.rules[0]).toMatchObject({
      pattern: 'a.test',
      addresses: ['127.0.0.1'],
      ct: 'enforce',
      ctPolicy: 'chrome',
    })
    await expect(connectSetup({ ctPolicy: 'three' }, [new URL('https://a.test/')])).rejects.toMatchObject({
      code: 'BAD_INPUT',
    })
  })
})
