import { describe, expect, it } from 'vitest'

import { CaptureRulesSchema, DEFAULT_RULES, MAX_RULE_ENTRIES, MIB, parseRules } from '../../../extension/src/rules.ts'

describe('the capture rules schema', () => {
  it('takes the defaults and normalises what the popup saves', () => {
    expect(CaptureRulesSchema.parse(DEFAULT_RULES)).toEqual(DEFAULT_RULES)
    expect(
      CaptureRulesSchema.parse({
        enabled: true,
        minSize: 5 * MIB,
        fileTypes: ['.ISO', ' zip ', 'GZ'],
        alwaysSites: ['Downloads.Example.org', '*.cdn.example.net', '[::1]', '127.0.0.1'],
        neverSites: ['ads.example.com.'],
      }),
    ).toEqual({
      enabled: true,
      minSize: 5 * MIB,
      fileTypes: ['iso', 'zip', 'gz'],
      alwaysSites: ['downloads.example.org', '*.cdn.example.net', '[::1]', '127.0.0.1'],
      neverSites: ['ads.example.com.'],
    })
  })

  it.each([
    [{ minSize: -1 }],
    [{ minSize: 1.5 }],
    [{ minSize: 2 * 1024 * 1024 * MIB }],
    [{ fileTypes: ['a b'] }],
    [{ fileTypes: ['.'] }],
    [{ fileTypes: ['x'.repeat(17)] }],
    [{ neverSites: ['not a host!'] }],
    [{ neverSites: ['https://example.com/'] }],
    [{ alwaysSites: ['example.com/path'] }],
    [{ alwaysSites: Array.from({ length: MAX_RULE_ENTRIES + 1 }, (_, i) => `h${i}.example`) }],
    [{ enabled: 'yes' }],
    [{ colour: 'blue' }],
  ])('refuses %j', (patch) => {
    expect(CaptureRulesSchema.safeParse({ ...DEFAULT_RULES, ...patch }).success).toBe(false)
  })
})

describe('parseRules', () => {
  it('falls back to the default for a missing or damaged field and keeps the others', () => {
    expect(parseRules(undefined)).toEqual(DEFAULT_RULES)
    expect(parseRules('rules')).toEqual(DEFAULT_RULES)
    expect(parseRules({ enabled: false, minSize: -5, neverSites: ['example.com', 'bad site'] })).toEqual({
      ...DEFAULT_RULES,
      enabled: false,
    })
    expect(parseRules({ minSize: 0, fileTypes: ['ISO'] })).toEqual({ ...DEFAULT_RULES, minSize: 0, fileTypes: ['iso'] })
  })
})
