import { describe, expect, it } from 'vitest'

import { isAbsolute } from 'node:path'

import {
  MAX_LAUNCH_URLS,
  MAX_URL_LENGTH,
  protocolClientArgs,
  urlsFromLaunch,
} from '../../../electron/shell/launch-args.ts'

const link = (...urls: string[]) => `pinpoint://add?${urls.map((u) => `url=${encodeURIComponent(u)}`).join('&')}`

describe('urlsFromLaunch', () => {
  it('finds plain http(s) URLs and skips the executable, the app path and flags', () => {
    const argv = [
      '/opt/Pinpoint/pinpoint',
      '.',
      '--no-sandbox',
      '--original-process-start-time=13370000000000000',
      'https://files.example.com/disk.iso',
      'http://mirror.example.org/a.tar',
    ]
    expect(urlsFromLaunch(argv)).toEqual(['https://files.example.com/disk.iso', 'http://mirror.example.org/a.tar'])
  })

  it('is not fooled by a Windows path, which parses as a URL of scheme c:', () => {
    expect(urlsFromLaunch(['C:\\Program Files\\Pinpoint\\Pinpoint.exe', 'C:/Users/me/app'])).toEqual([])
  })

  it('ignores a URL inside a flag', () => {
    expect(urlsFromLaunch(['--proxy-pac-url=https://evil.example/pac', '-x', 'https://ok.example/f'])).toEqual([
      'https://ok.example/f',
    ])
  })

  it('takes every url parameter of a pinpoint://add deep link', () => {
    const argv = ['pinpoint.exe', link('https://a.example/one?x=1&y=2', 'https://b.example/two')]
    expect(urlsFromLaunch(argv)).toEqual(['https://a.example/one?x=1&y=2', 'https://b.example/two'])
  })

  it.each([
    ['pinpoint://add/?url=https%3A%2F%2Fa.example%2Ff', 'with the slash Windows adds'],
    ['pinpoint:add?url=https%3A%2F%2Fa.example%2Ff', 'without slashes'],
    ['pinpoint:///add?url=https%3A%2F%2Fa.example%2Ff', 'with an empty host'],
    ['PINPOINT://ADD?url=https%3A%2F%2Fa.example%2Ff', 'in capitals'],
  ])('reads %s (%s)', (deepLink) => {
    expect(urlsFromLaunch([deepLink])).toEqual(['https://a.example/f'])
  })

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['ftp://files.example.com/a'],
    ['data:text/html,<script>alert(1)</script>'],
    ['pinpoint://add?url=https://nested.example'],
    ['http://'],
    ['not a url'],
  ])('refuses %s inside a deep link', (target) => {
    expect(urlsFromLaunch([link(target)])).toEqual([])
  })

  it('keeps the good URLs of a deep link and drops the rest', () => {
    expect(urlsFromLaunch([link('file:///etc/shadow', 'https://ok.example/x', 'javascript:void(0)')])).toEqual([
      'https://ok.example/x',
    ])
  })

  it.each([
    ['pinpoint://remove?url=https%3A%2F%2Fa.example%2Ff'],
    ['pinpoint://add/extra?url=https%3A%2F%2Fa.example%2Ff'],
    ['pinpoint://add:80?url=https%3A%2F%2Fa.example%2Ff'],
    ['pinpoint://add'],
    ['otherapp://add?url=https%3A%2F%2Fa.example%2Ff'],
  ])('refuses the link %s', (deepLink) => {
    expect(urlsFromLaunch([deepLink])).toEqual([])
  })

  it('refuses plain arguments that are not http(s)', () => {
    expect(urlsFromLaunch(['file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@b.example', 'https:'])).toEqual([])
  })

  it('normalises and removes repeats', () => {
    expect(urlsFromLaunch(['HTTPS://Files.Example.COM/a', link('https://files.example.com/a')])).toEqual([
      'https://files.example.com/a',
    ])
  })

  it('caps how many URLs one launch may add', () => {
    const many = Array.from({ length: MAX_LAUNCH_URLS * 3 }, (_, i) => `https://h.example/${i}`)
    const urls = urlsFromLaunch([link(...many)])
    expect(urls).toHaveLength(MAX_LAUNCH_URLS)
    expect(urls[0]).toBe('https://h.example/0')
  })

  it('refuses an absurdly long URL', () => {
    const long = `https://h.example/${'a'.repeat(MAX_URL_LENGTH)}`
    expect(urlsFromLaunch([long, link(long)])).toEqual([])
  })
})

describe('urlsFromLaunch after the -- separator', () => {
  it('takes URLs only from after --: what comes before is the executable, the app and switches', () => {
    const argv = ['/opt/Pinpoint/pinpoint', 'https://before.example/x', '--', link('https://a.example/f')]
    expect(urlsFromLaunch(argv)).toEqual(['https://a.example/f'])
  })

  it('takes nothing when nothing follows --', () => {
    expect(urlsFromLaunch(['/opt/Pinpoint/pinpoint', 'https://before.example/x', '--'])).toEqual([])
  })

  it.each([
    ['--inspect=9229'],
    ['--inspect=0.0.0.0:9229'],
    ['--inspect-brk=https://evil.example/'],
    ['--gpu-launcher=https://evil.example/run'],
    ['--gpu-launcher="cmd.exe /c calc"'],
    ['--renderer-cmd-prefix=https://evil.example/'],
    ['--remote-debugging-port=9222'],
    ['-e'],
    ['--'],
  ])('a switch after -- (%s) is an argument, and not a download', (hostile) => {
    expect(urlsFromLaunch(['pinpoint', '--', hostile, 'https://ok.example/f'])).toEqual(['https://ok.example/f'])
  })

  it('a link that tries to break out of its quotes stays one (escaped) URL', () => {
    const broken = link('https://a.example/x" --gpu-launcher="cmd.exe')
    const urls = urlsFromLaunch(['pinpoint', '--', broken])
    expect(urls).toEqual(['https://a.example/x%22%20--gpu-launcher=%22cmd.exe'])
    expect(urls.some((u) => u.startsWith('-'))).toBe(false)
  })

  it('a second -- is just another argument', () => {
    expect(urlsFromLaunch(['pinpoint', '--', '--', 'https://ok.example/f'])).toEqual(['https://ok.example/f'])
  })
})

describe('protocolClientArgs (what the pinpoint: handler is registered to run)', () => {
  it('a packaged app: the executable, then -- before the link', () => {
    expect(protocolClientArgs({ defaultApp: false, appPath: '/opt/Pinpoint/resources/app.asar' })).toEqual(['--'])
  })

  it('a development run: the app folder as an absolute path, then --', () => {
    expect(protocolClientArgs({ defaultApp: true, appPath: '/home/me/pinpoint' })).toEqual(['/home/me/pinpoint', '--'])
  })

  it.each([['--inspect=9229'], ['--gpu-launcher=calc'], ['-x'], ['.']])(
    'never registers an app path (%s) that Chromium would read as a switch',
    (appPath) => {
      const args = protocolClientArgs({ defaultApp: true, appPath })
      expect(args).toHaveLength(2)
      expect(isAbsolute(args[0] as string)).toBe(true)
      expect(args[0]?.startsWith('-')).toBe(false)
      expect(args.at(-1)).toBe('--')
    },
  )
})
