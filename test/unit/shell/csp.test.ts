import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8')

/** Every `<meta http-equiv="Content-Security-Policy">` content, in document order. */
function cspMetaContents(page: string): string[] {
  const contents: string[] = []
  for (const [tag] of page.matchAll(/<meta\b[^>]*>/gis)) {
    if (!/\bhttp-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue
    const content = /\bcontent\s*=\s*"([^"]*)"/is.exec(tag) ?? /\bcontent\s*=\s*'([^']*)'/is.exec(tag)
    contents.push(content?.[1] ?? '')
  }
  return contents
}

/** Parses a policy into directive name → source list (names lower-cased; a repeated directive keeps the first). */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name === undefined || name === '') continue
    const key = name.toLowerCase()
    if (!directives.has(key)) directives.set(key, sources)
  }
  return directives
}

const metas = cspMetaContents(html)
const policy = parsePolicy(metas[0] ?? '')

/** The sources that govern a fetch directive: its own, or default-src's when it is absent. */
function effective(directive: string): string[] | undefined {
  return policy.get(directive) ?? policy.get('default-src')
}

describe('renderer CSP (renderer/index.html)', () => {
  it('has exactly one CSP meta tag, placed before any script or stylesheet', () => {
    expect(metas).toHaveLength(1)
    const cspAt = html.search(/<meta\b[^>]*content-security-policy/i)
    const firstLoad = html.search(/<script\b|<link\b/i)
    expect(cspAt).toBeGreaterThanOrEqual(0)
    expect(firstLoad === -1 || cspAt < firstLoad).toBe(true)
  })

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('sets %s to exactly %j', (directive, sources) => {
    expect(policy.get(directive)).toEqual(sources)
  })

  it('allows no inline or evaluated script and no inline style', () => {
    const unsafe =
      /^'(unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|strict-dynamic)'$|^'(nonce|sha256|sha384|sha512)-/i
    for (const directive of [
      'script-src',
      'script-src-elem',
      'script-src-attr',
      'style-src',
      'style-src-elem',
      'style-src-attr',
    ]) {
      const sources = effective(directive) ?? []
      expect(
        sources.filter((s) => unsafe.test(s)),
        directive,
      ).toEqual([])
    }
  })

  it('allows no remote origin in any directive', () => {
    const local = new Set(["'self'", "'none'"])
    for (const [directive, sources] of policy) {
      const allowed = directive === 'img-src' ? new Set([...local, 'data:']) : local
      expect(
        sources.filter((s) => !allowed.has(s.toLowerCase())),
        directive,
      ).toEqual([])
    }
  })

  it('contains no inline script, event handler or inline style for the policy to have to block', () => {
    for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) expect(tag).toMatch(/\bsrc\s*=/i)
    expect(html).not.toMatch(/<script\b[^>]*>\s*[^<\s]/i)
    expect(html).not.toMatch(/\son[a-z]+\s*=/i)
    expect(html).not.toMatch(/\sstyle\s*=/i)
    expect(html).not.toMatch(/<style\b/i)
  })
})
