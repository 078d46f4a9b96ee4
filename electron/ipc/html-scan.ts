/**
 * A small, tolerant scan of dropped or pasted HTML for links, with no DOM in main.
 *
 * It yields the `href` of every `<a>` and the text between tags, in document order, with character references
 * decoded; comments and the contents of `<script>`, `<style>`, `<template>` and `<textarea>` are skipped.
 * Every step moves forward through the input with indexOf or a simple regex, so a hostile megabyte cannot make
 * it quadratic: a tag whose quotes never close ends at its first `>`, and an unclosed tag ends the scan.
 */

export type HtmlPiece =
  | { kind: 'href'; value: string }
  /** `anchorHref`: the href of the `<a>` this text is inside, if any (its text often repeats the link). */
  | { kind: 'text'; value: string; anchorHref?: string }

const TAG_START = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/y
const RAW_TEXT = new Set(['script', 'style', 'template', 'textarea'])
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g

export function scanHtml(html: string): HtmlPiece[] {
  const pieces: HtmlPiece[] = []
  let anchorHref: string | undefined
  let i = 0
  const text = (from: number, to: number): void => {
    if (to <= from) return
    const value = decodeEntities(html.slice(from, to))
    pieces.push(anchorHref === undefined ? { kind: 'text', value } : { kind: 'text', value, anchorHref })
  }

  // Text runs from `textFrom` until the next piece of markup; a `<` that starts none stays part of the text.
  let textFrom = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt === -1) break
    if (html.startsWith('<!--', lt)) {
      text(textFrom, lt)
      const close = html.indexOf('-->', lt + 4)
      i = textFrom = close === -1 ? html.length : close + 3
      continue
    }
    TAG_START.lastIndex = lt
    const m = TAG_START.exec(html)
    if (!m) {
      // `<!DOCTYPE …>` and `<?xml …?>` are skipped; any other `<` is just text.
      const next = html[lt + 1]
      if (next === '!' || next === '?') {
        text(textFrom, lt)
        const close = html.indexOf('>', lt)
        i = textFrom = close === -1 ? html.length : close + 1
      } else {
        i = lt + 1
      }
      continue
    }
    text(textFrom, lt)
    const bodyStart = lt + m[0].length
    const close = tagEnd(html, bodyStart)
    // A tag cut off by the end of the input is dropped, as a browser drops it.
    if (close === -1) return pieces
    const closing = m[1] === '/'
    const name = (m[2] ?? '').toLowerCase()
    i = textFrom = close + 1
    if (name === 'a') {
      if (closing) anchorHref = undefined
      else {
        const href = attribute(html.slice(bodyStart, close), 'href')
        anchorHref = href === undefined ? undefined : decodeEntities(href)
        if (anchorHref !== undefined) pieces.push({ kind: 'href', value: anchorHref })
      }
    } else if (!closing && RAW_TEXT.has(name)) {
      i = textFrom = skipRawText(html, i, name)
    }
  }
  text(textFrom, html.length)
  return pieces
}

/**
 * The index of the `>` that ends a tag whose attributes start at `from`, or -1.
 *
 * Quotes count only where an attribute value starts (after `=`), as in HTML, so `title="a>b"` stays whole but
 * `alt=it's` does not open a quote. If a quote never closes, the tag ends at its first `>` instead: scanning
 * to the end again for every later tag would make a crafted input quadratic.
 */
function tagEnd(html: string, from: number): number {
  let quote: string | undefined
  let afterEquals = false
  for (let j = from; j < html.length; j++) {
    const c = html[j]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === '>') return j
    if ((c === '"' || c === "'") && afterEquals) {
      quote = c
      afterEquals = false
    } else if (c === '=') afterEquals = true
    else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== '\f') afterEquals = false
  }
  return html.indexOf('>', from)
}

/** Past the end tag of a raw-text element (its contents are not markup), or the end of the input. */
function skipRawText(html: string, from: number, name: string): number {
  const end = new RegExp(`</${name}[\\s/>]`, 'gi')
  end.lastIndex = from
  const m = end.exec(html)
  if (!m) return html.length
  const close = html.indexOf('>', m.index)
  return close === -1 ? html.length : close + 1
}

/** The raw (not yet decoded) value of the first attribute called `name`; HTML ignores later duplicates. */
function attribute(body: string, name: string): string | undefined {
  ATTR.lastIndex = 0
  for (let m = ATTR.exec(body); m; m = ATTR.exec(body)) {
    if ((m[1] ?? '').toLowerCase() === name) return m[2] ?? m[3] ?? m[4] ?? ''
  }
  return undefined
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** Decode `&amp;`, `&#38;`, `&#x26;` and the other common references; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g, (all, dec, hex, named) => {
    if (named !== undefined) return Object.hasOwn(NAMED, named as string) ? (NAMED[named as string] ?? all) : all
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex as string, 16)
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
    return valid ? String.fromCodePoint(code) : '\ufffd'
  })
}
