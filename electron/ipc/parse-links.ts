import { LinkifyIt, type SchemaOpts } from 'linkify-it'

import type { Output, Rejected } from '../../shared/ipc.ts'
import { checkDownloadUrl, MAX_URL_CHARS, MAX_URLS } from '../../shared/links.ts'
import { scanHtml } from './html-scan.ts'

export type LinkKind = 'text' | 'html' | 'uri-list' | 'lines'
export type ParsedLinks = Output<'links:parse'>

/** Rejections listed at most; a pasted megabyte of junk gets a count, not a megabyte of reasons. */
const MAX_REJECTED = 1_000

/**
 * Find the download links in dropped or pasted text, HTML or a `text/uri-list` (RFC 2483).
 *
 * Only http and https links are kept. Links with other schemes (`mailto:` and protocol-relative `//host/…`
 * included) are reported with the reason rather than silently dropped, so a user who dropped a `file:` or
 * `javascript:` link sees why nothing was added. Bare names such as `example.com/a.zip` are not guessed at:
 * `.zip` is a real top-level domain, and a download manager that invents URLs from prose fetches things nobody
 * asked for. In the add dialog's list (`lines`), though, every line is meant as a link, so a line with none is
 * rejected with the reason (a bare name is told to add its scheme) instead of vanishing.
 *
 * @param isQueued whether a normalized URL is in the queue already (flagged in `duplicates`).
 */
export function parseLinks(text: string, kind: LinkKind, isQueued: (url: string) => boolean): ParsedLinks {
  const result: ParsedLinks = { urls: [], rejected: [], duplicates: [] }
  const seen = new Set<string>()
  const flagged = new Set<string>()
  let hidden = 0
  const reject = (input: string, reason: string): void => {
    if (result.rejected.length < MAX_REJECTED) result.rejected.push({ input: clip(input), reason })
    else hidden++
  }
  const flag = (url: string): void => {
    if (flagged.has(url)) return
    flagged.add(url)
    result.duplicates.push(url)
  }
  const take = (candidate: string): void => {
    if (candidate.startsWith('//')) return reject(candidate, PROTOCOL_RELATIVE)
    const checked = checkDownloadUrl(candidate)
    if (!checked.ok) return reject(candidate, checked.reason)
    if (seen.has(checked.url)) return flag(checked.url)
    if (result.urls.length >= MAX_URLS) return reject(candidate, `more than ${MAX_URLS} links at once`)
    seen.add(checked.url)
    result.urls.push(checked.url)
    if (isQueued(checked.url)) flag(checked.url)
  }

  if (kind === 'uri-list') uriList(text).forEach(take)
  else if (kind === 'text') linksInText(text).forEach(take)
  else if (kind === 'lines') {
    for (const line of text.split(/\r?\n/)) {
      const bare = line.trim()
      // The usual line is one URL and nothing else, taken as it is; only the rest is searched like prose.
      if (BARE_URL.test(bare)) {
        take(bare)
        continue
      }
      const found = linksInText(line)
      if (found.length > 0) found.forEach(take)
      else if (line.trim() !== '') reject(line, lineReason(line.trim()))
    }
  } else linksInHtml(text).forEach(take)

  if (hidden > 0) result.rejected.push({ input: '…', reason: `${hidden} more rejected links not listed` })
  return result
}

/** RFC 2483: one URI per line, CRLF (LF tolerated), lines starting with `#` are comments. */
function uriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

function linksInText(text: string): string[] {
  return (linkify.match(text) ?? []).map((m) => m.url)
}

/** Every `<a href>`, then links written out in the text; an anchor's text that repeats its href counts once. */
function linksInHtml(html: string): string[] {
  const found: string[] = []
  for (const piece of scanHtml(html)) {
    if (piece.kind === 'href') {
      // In-page anchors (`#top`) and empty hrefs are navigation, not links anyone meant to download.
      if (piece.value.trim() !== '' && !piece.value.trim().startsWith('#')) found.push(piece.value)
      continue
    }
    const own = piece.anchorHref === undefined ? undefined : normalized(piece.anchorHref)
    for (const url of linksInText(piece.value)) if (own === undefined || normalized(url) !== own) found.push(url)
  }
  return found
}

/** A line that is an http(s) URL alone, ending where prose punctuation could not be mistaken for part of it. */
const BARE_URL = /^https?:\/\/[^\s<>"'`]+[\w/=-]$/i

const PROTOCOL_RELATIVE = 'a protocol-relative link (//host/…) has no scheme: write https:// or http:// in front'

/** Why a line of the add dialog's list holds no link. */
function lineReason(line: string): string {
  if (line.startsWith('#')) return 'a comment line, not a link'
  // One word with a dot and a name-like tail, as `example.com/a.zip` or `www.example.com`.
  if (/^[^\s/]+\.[a-z][a-z0-9-]*(?::\d+)?(?:[/?#]\S*)?$/i.test(line)) {
    return 'not an absolute URL: write https:// or http:// in front'
  }
  return 'no http or https link in this line'
}

/** Schemes recognized only to be rejected by name; the tail runs to the next space, quote or angle bracket. */
const REJECTED_SCHEMES = ['javascript:', 'vbscript:', 'file:', 'data:', 'blob:', 'mailto:']
const TAIL = /[^\s<>"'`]*/y
const anyTail: SchemaOpts = {
  validate(text, pos) {
    TAIL.lastIndex = pos
    return TAIL.exec(text)?.[0].length ?? 0
  },
}

/** After `//`: a host-like start (so `a // b` in prose is no link), then the tail as above. */
const HOST_START = /[a-z0-9[]/iy
const hostTail: SchemaOpts = {
  validate(text, pos, self) {
    HOST_START.lastIndex = pos
    return HOST_START.test(text) ? anyTail.validate(text, pos, self) : 0
  },
}

const linkify = (() => {
  const l = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false })
  // Protocol-relative `//host/path` and `mailto:` are never downloads: found only to be rejected with a reason.
  l.add('//', hostTail)
  for (const schema of REJECTED_SCHEMES) l.add(schema, anyTail)
  return l
})()

function normalized(url: string): string {
  const checked = checkDownloadUrl(url)
  return checked.ok ? checked.url : url
}

function clip(input: string): Rejected['input'] {
  const s = input.trim()
  return s.length > MAX_URL_CHARS ? `${s.slice(0, MAX_URL_CHARS - 1)}…` : s
}
