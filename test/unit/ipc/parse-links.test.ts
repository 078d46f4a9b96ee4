import { describe, expect, it } from 'vitest'

import { decodeEntities, scanHtml } from '../../../electron/ipc/html-scan.ts'
import { parseLinks } from '../../../electron/ipc/parse-links.ts'
import { checkDownloadUrl, MAX_URLS } from '../../../shared/links.ts'

const none = (): boolean => false

describe('links:parse over plain text', () => {
  it('finds http and https links in prose and leaves the punctuation around them', () => {
    const text = 'Get https://a.test/x.zip, or (http://b.test/y?q=1&r=2). Mirror: HTTPS://C.TEST/Z.iso.'
    expect(parseLinks(text, 'text', none)).toEqual({
      urls: ['https://a.test/x.zip', 'http://b.test/y?q=1&r=2', 'https://c.test/Z.iso'],
      rejected: [],
      duplicates: [],
    })
  })

  it('does not invent links from bare names (.zip is a top-level domain)', () => {
    expect(parseLinks('see example.com/file.zip and notes.zip', 'text', none).urls).toEqual([])
  })

  it('rejects javascript:, file:, data: and other schemes with a reason', () => {
    const out = parseLinks(
      'a javascript:alert(1) b file:///etc/passwd c data:text/html,hi d ftp://f.test/a e https://ok.test/',
      'text',
      none,
    )
    expect(out.urls).toEqual(['https://ok.test/'])
    expect(out.rejected).toEqual([
      { input: 'javascript:alert(1)', reason: expect.stringMatching(/^javascript: links run script/) },
      { input: 'file:///etc/passwd', reason: expect.stringMatching(/^file: links name local files/) },
      { input: 'data:text/html,hi', reason: expect.stringMatching(/^data: links carry their content/) },
      { input: 'ftp://f.test/a', reason: expect.stringMatching(/^unsupported scheme ftp:/) },
    ])
  })

  it('lists each link once and flags repeats and links already in the queue', () => {
    const queued = new Set(['https://queued.test/a.bin'])
    const out = parseLinks(
      'https://x.test/1 https://queued.test/a.bin https://x.test/1 https://X.TEST/1 https://x.test/2',
      'text',
      (u) => queued.has(u),
    )
    expect(out.urls).toEqual(['https://x.test/1', 'https://queued.test/a.bin', 'https://x.test/2'])
    expect(out.duplicates).toEqual(['https://queued.test/a.bin', 'https://x.test/1'])
  })

  it('keeps at most MAX_URLS links and says why the rest were left out', () => {
    const text = Array.from({ length: MAX_URLS + 5 }, (_, i) => `https://h.test/${i}`).join('\n')
    const out = parseLinks(text, 'text', none)
    expect(out.urls).toHaveLength(MAX_URLS)
    expect(out.rejected).toHaveLength(5)
    expect(out.rejected[0]).toEqual({
      input: `https://h.test/${MAX_URLS}`,
      reason: `more than ${MAX_URLS} links at once`,
    })
  })

  it('lists at most 1000 rejections and counts the rest', () => {
    const out = parseLinks('data:x '.repeat(1500), 'text', none)
    expect(out.rejected).toHaveLength(1001)
    expect(out.rejected.at(-1)).toEqual({ input: '…', reason: '500 more rejected links not listed' })
  })

  it('parses a megabyte of text quickly', () => {
    const line = 'lorem ipsum https://files.test/some/long/path/name.bin?x=1 dolor javascript:void(0) sit amet\n'
    const text = line.repeat(Math.floor((1024 * 1024) / line.length))
    const t0 = performance.now()
    const out = parseLinks(text, 'text', none)
    expect(performance.now() - t0).toBeLessThan(3000)
    expect(out.urls).toEqual(['https://files.test/some/long/path/name.bin?x=1'])
    expect(out.duplicates).toEqual(['https://files.test/some/long/path/name.bin?x=1'])
  })
})

describe('links:parse over HTML', () => {
  it('takes <a href> values, decodes entity-escaped & in them, and finds links in the text too', () => {
    const html = `<p>Files:<ul>
      <li><a class="dl" href="https://a.test/get?id=1&amp;format=zip">the archive</a></li>
      <li><A HREF='https://b.test/b&#38;c&#x26;d.bin'>b</A></li>
      <li><a title="x > y" href=https://c.test/c.iso>https://c.test/c.iso</a></li>
      <li>plain: http://d.test/d.tar.gz&amp;more</li>
    </ul>`
    expect(parseLinks(html, 'html', none)).toEqual({
      urls: [
        'https://a.test/get?id=1&format=zip',
        'https://b.test/b&c&d.bin',
        'https://c.test/c.iso',
        'http://d.test/d.tar.gz&more',
      ],
      rejected: [],
      duplicates: [],
    })
  })

  it('rejects script and file links in hrefs, skips in-page anchors, and ignores scripts and comments', () => {
    const html = `<a href="javascript:alert(1)">x</a><a href="#top">top</a><a href="">empty</a>
      <a href="FILE:///etc/shadow">f</a><a href=" data:text/html;base64,PHNjcmlwdD4= ">d</a>
      <a href="/relative/path.zip">r</a>
      <!-- <a href="https://commented.test/">no</a> -->
      <script>var u = "https://script.test/x"; if (a<b) {}</script>
      <style>a::after { content: "https://style.test/" }</style>`
    const out = parseLinks(html, 'html', none)
    expect(out.urls).toEqual([])
    expect(out.rejected.map((r) => [r.input, r.reason.split(' ')[0]])).toEqual([
      ['javascript:alert(1)', 'javascript:'],
      ['FILE:///etc/shadow', 'file:'],
      ['data:text/html;base64,PHNjcmlwdD4=', 'data:'],
      ['/relative/path.zip', 'not'],
    ])
  })

  it('an anchor whose text repeats its href counts once; a repeated href is a duplicate', () => {
    const html = '<a href="https://x.test/1">https://x.test/1</a> <a href="https://x.test/1">again</a>'
    expect(parseLinks(html, 'html', none)).toEqual({
      urls: ['https://x.test/1'],
      rejected: [],
      duplicates: ['https://x.test/1'],
    })
  })

  it.each([
    ['unclosed quotes', `<a title="${'<a href="x" '.repeat(80_000)}`],
    ['quotes of both kinds that never close', `<a x="><a y='>${'<a>x'.repeat(200_000)}`],
    ['a thousand thousand stray <', `${'<'.repeat(1_000_000)}>`],
    ['tiny tags', '<b>x</b>'.repeat(130_000)],
    ['unclosed script elements', '<script>'.repeat(130_000)],
  ])('stays fast on a megabyte of hostile markup: %s', (_what, hostile) => {
    const t0 = performance.now()
    parseLinks(hostile.slice(0, 1024 * 1024), 'html', none)
    expect(performance.now() - t0).toBeLessThan(2000)
  })

  it('a < that starts no tag is text, and a URL after it is still found', () => {
    expect(parseLinks('1 < 2 https://a.test/x <3', 'html', none).urls).toEqual(['https://a.test/x'])
    // One run, not a piece per `<`: a megabyte of `<` would otherwise be a million linkify calls.
    expect(scanHtml('1 < 2 <3 <<')).toEqual([{ kind: 'text', value: '1 < 2 <3 <<' }])
  })
})

describe('links:parse over text/uri-list', () => {
  it('takes one URI per line, skips # comments and blank lines, and rejects the rest with reasons', () => {
    const list =
      '# from the mirror list\r\nhttps://a.test/1\r\n\r\nhttp://b.test/2\r\n#https://c.test/not\r\nmailto:x@y.test\r\nnot a url\r\n'
    const out = parseLinks(list, 'uri-list', none)
    expect(out.urls).toEqual(['https://a.test/1', 'http://b.test/2'])
    expect(out.rejected).toEqual([
      { input: 'mailto:x@y.test', reason: expect.stringMatching(/^unsupported scheme mailto:/) },
      { input: 'not a url', reason: expect.stringMatching(/^not an absolute URL/) },
    ])
  })
})

describe('scanHtml', () => {
  it('gives hrefs and text in document order, marking text inside an anchor', () => {
    expect(scanHtml('a<a href="u">b</a>c<br/>d')).toEqual([
      { kind: 'text', value: 'a' },
      { kind: 'href', value: 'u' },
      { kind: 'text', value: 'b', anchorHref: 'u' },
      { kind: 'text', value: 'c' },
      { kind: 'text', value: 'd' },
    ])
  })

  it('keeps a > inside a quoted attribute, but an apostrophe in an unquoted value opens no quote', () => {
    expect(scanHtml('<a title="1 > 0" href="u1">x</a>')[0]).toEqual({ kind: 'href', value: 'u1' })
    expect(scanHtml("<a alt=it's href=u2>x</a>")[0]).toEqual({ kind: 'href', value: 'u2' })
  })

  it('decodes named, decimal and hex references and leaves unknown ones', () => {
    expect(decodeEntities('&amp;&lt;&gt;&quot;&apos;&#38;&#x26;&bogus;&#0;&#xD800;')).toBe(
      '&<>"\'&&&bogus;\ufffd\ufffd',
    )
  })
})

describe('checkDownloadUrl', () => {
  it('reads the scheme as the URL parser will, so tabs cannot hide javascript:', () => {
    expect(checkDownloadUrl('java\tscript:alert(1)')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^javascript:/),
    })
  })

  it('refuses URLs over 8 KiB and hostless ones', () => {
    expect(checkDownloadUrl(`https://a.test/${'x'.repeat(8 * 1024)}`)).toMatchObject({ ok: false })
    expect(checkDownloadUrl('http:///')).toMatchObject({ ok: false })
  })
})
