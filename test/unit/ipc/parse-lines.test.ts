import { describe, expect, it } from 'vitest'

import { parseLinks } from '../../../electron/ipc/parse-links.ts'

const none = (): boolean => false

// The add dialog's list: every non-empty line is meant as a link, so none vanishes without a reason.
describe('parseLinks in the add dialog (lines)', () => {
  it('rejects a line without a link, a bare name and a protocol-relative link, each with its reason', () => {
    const text = [
      'https://a.test/x.iso',
      'example.com/a.zip',
      '//cdn.test/b.zip',
      'see the notes below',
      '# mirrors',
      '',
      'mailto:ops@a.test',
      'get it at https://b.test/y.iso today',
    ].join('\r\n')
    const out = parseLinks(text, 'lines', none)
    expect(out.urls).toEqual(['https://a.test/x.iso', 'https://b.test/y.iso'])
    expect(out.rejected).toEqual([
      { input: 'example.com/a.zip', reason: 'not an absolute URL: write https:// or http:// in front' },
      { input: '//cdn.test/b.zip', reason: expect.stringMatching(/^a protocol-relative link/) },
      { input: 'see the notes below', reason: 'no http or https link in this line' },
      { input: '# mirrors', reason: 'a comment line, not a link' },
      { input: 'mailto:ops@a.test', reason: expect.stringMatching(/^unsupported scheme mailto:/) },
    ])
  })

  it('in dropped text, protocol-relative and mailto: links are reported rather than dropped; prose is not', () => {
    const out = parseLinks(
      'write to mailto:ops@a.test or fetch //cdn.test/b.zip, a // b, or https://a.test/',
      'text',
      none,
    )
    expect(out.urls).toEqual(['https://a.test/'])
    expect(out.rejected.map((r) => r.input)).toEqual(['mailto:ops@a.test', '//cdn.test/b.zip,'])
  })
})
