import type { Input } from '../shared/ipc.ts'
import type { ParsedLinks } from './store/ui-slice.ts'

export type LinkSource = Input<'links:parse'>

/** Files whose text is searched for links; anything else dropped is named in the result as rejected. */
const TEXT_FILES = /\.(txt|csv|html?)$/i

/**
 * What a drop carried, as inputs for `links:parse`.
 *
 * Read synchronously: a DataTransfer is emptied once the drop handler returns, so the strings and File
 * objects are taken now and the files read later. One representation is used per drop, the richest first:
 * files, then `text/uri-list`, then `text/html`, then `text/plain` (a dragged link usually carries all three).
 */
export function readDrop(data: DataTransfer): { files: File[]; sources: LinkSource[] } {
  const files = [...data.files]
  if (files.length > 0) return { files, sources: [] }
  const uriList = data.getData('text/uri-list')
  if (uriList.trim() !== '') return { files: [], sources: [{ kind: 'uri-list', text: uriList }] }
  const html = data.getData('text/html')
  if (html.trim() !== '') return { files: [], sources: htmlSources(html) }
  const text = data.getData('text/plain')
  return { files: [], sources: text.trim() === '' ? [] : [{ kind: 'text', text }] }
}

/** Read dropped files into parse inputs; returns the names of files that are not text lists. */
export async function readFiles(files: readonly File[]): Promise<{ sources: LinkSource[]; skipped: string[] }> {
  const sources: LinkSource[] = []
  const skipped: string[] = []
  for (const file of files) {
    if (!TEXT_FILES.test(file.name)) {
      skipped.push(file.name)
      continue
    }
    const text = await file.text()
    if (/\.html?$/i.test(file.name)) sources.push(...htmlSources(text))
    else sources.push({ kind: 'text', text })
  }
  return { sources, skipped }
}

/**
 * The links of an HTML fragment, found with the browser's own parser.
 *
 * DOMParser builds an inert document: no script runs and nothing loads. The hrefs go to main as a URI list (so
 * a `javascript:` link is reported as rejected rather than dropped) and the visible text as text, where main
 * looks for written-out links. Main parses both again; nothing here is trusted.
 */
export function htmlSources(html: string): LinkSource[] {
  const doc = new DOMParser().parseFromString(html, 'text/html')
  const hrefs: string[] = []
  for (const a of doc.querySelectorAll('a[href]')) {
    const href = (a.getAttribute('href') ?? '').trim()
    if (href !== '' && !href.startsWith('#')) hrefs.push(href)
  }
  for (const skip of doc.querySelectorAll('script, style, template, textarea')) skip.remove()
  const text = doc.body?.textContent ?? ''
  const sources: LinkSource[] = []
  if (hrefs.length > 0) sources.push({ kind: 'uri-list', text: hrefs.join('\r\n') })
  if (text.trim() !== '') sources.push({ kind: 'text', text })
  return sources
}

/** Several parse results as one: each URL once, in order; rejections and duplicates concatenated. */
export function mergeParsed(results: readonly ParsedLinks[]): ParsedLinks {
  const urls = new Set<string>()
  const duplicates = new Set<string>()
  const rejected: ParsedLinks['rejected'] = []
  for (const r of results) {
    for (const url of r.urls) {
      if (urls.has(url)) duplicates.add(url)
      else urls.add(url)
    }
    for (const d of r.duplicates) duplicates.add(d)
    rejected.push(...r.rejected)
  }
  return { urls: [...urls], rejected, duplicates: [...duplicates] }
}
