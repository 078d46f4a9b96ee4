/** What the extension hands to Pinpoint: a plain function of the user's rules and one browser download. */

import { z } from 'zod'

export const MIB = 1024 * 1024

export interface CaptureRules {
  enabled: boolean
  /** Downloads whose size is known and smaller than this stay in the browser. */
  minSize: number
  /** File name extensions without the dot (lower case); empty means every type. */
  fileTypes: string[]
  /** Hosts (and their subdomains) whose downloads always go to Pinpoint, whatever their size or type. */
  alwaysSites: string[]
  /** Hosts (and their subdomains) whose downloads never go to Pinpoint; wins over `alwaysSites`. */
  neverSites: string[]
}

export const DEFAULT_RULES: CaptureRules = {
  enabled: true,
  minSize: MIB,
  fileTypes: [],
  alwaysSites: [],
  neverSites: [],
}

/** The most entries one list of the rules holds: more than anyone types, few enough to check per download. */
export const MAX_RULE_ENTRIES = 200
/** The largest minimum size the popup takes: 1 TiB. */
export const MAX_MIN_SIZE = 1024 * 1024 * MIB

/** A host name, an IP address (IPv6 in brackets, as URL.hostname gives it), or `*.` and a domain. */
const Site = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?[a-z0-9_.-]{1,253}$|^\[[0-9a-f:.]{2,45}\]$/, { error: 'expected a host name or an IP address' })
/** A file name extension, with or without its dot. */
const FileType = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\.?[a-z0-9][a-z0-9_+-]{0,15}$/, { error: 'expected a file extension such as iso or .zip' })
  .transform((t) => t.replace(/^\./, ''))

/**
 * The rules as they are stored and edited: what the popup saves and what every download is decided by goes
 * through this one schema, so a value the popup refuses can never reach the decision either.
 */
export const CaptureRulesSchema = z.strictObject({
  enabled: z.boolean(),
  minSize: z.number().int().nonnegative().max(MAX_MIN_SIZE),
  fileTypes: z.array(FileType).max(MAX_RULE_ENTRIES),
  alwaysSites: z.array(Site).max(MAX_RULE_ENTRIES),
  neverSites: z.array(Site).max(MAX_RULE_ENTRIES),
}) satisfies z.ZodType<CaptureRules, unknown>

/**
 * Stored rules read field by field: a field that is missing or does not pass the schema (an older or damaged
 * entry) falls back to its default, and the others are kept.
 */
export function parseRules(stored: unknown): CaptureRules {
  const raw = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {}
  const field = <K extends keyof CaptureRules>(key: K): CaptureRules[K] => {
    const parsed = CaptureRulesSchema.shape[key].safeParse(raw[key])
    return parsed.success ? (parsed.data as CaptureRules[K]) : DEFAULT_RULES[key]
  }
  return {
    enabled: field('enabled'),
    minSize: field('minSize'),
    fileTypes: field('fileTypes'),
    alwaysSites: field('alwaysSites'),
    neverSites: field('neverSites'),
  }
}

/** The fields of a `chrome.downloads.DownloadItem` the decision reads. */
export interface DownloadFacts {
  url: string
  finalUrl?: string
  filename?: string
  mime?: string
  /** Bytes; 0 or negative when the server did not say. */
  totalBytes?: number
  state?: string
}

export type Decision = { capture: true } | { capture: false; reason: string }

/** The URL the browser ended at after redirects, which is the one Pinpoint must fetch. */
export function downloadUrl(item: DownloadFacts): string {
  return item.finalUrl !== undefined && item.finalUrl !== '' ? item.finalUrl : item.url
}

/** The last path segment of the browser's file name or else the URL's, e.g. `video.mp4`. */
export function suggestedName(item: DownloadFacts): string | undefined {
  const fromFile = item.filename?.split(/[\\/]/).pop()
  if (fromFile) return fromFile
  try {
    const last = new URL(downloadUrl(item)).pathname.split('/').pop()
    return last ? decodeURIComponent(last) : undefined
  } catch {
    return undefined
  }
}

/** `example.com` matches `example.com` and `dl.example.com`, never `badexample.com`. */
export function siteMatches(host: string, site: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  const s = site.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '')
  return s !== '' && (h === s || h.endsWith(`.${s}`))
}

export function decideCapture(rules: CaptureRules, item: DownloadFacts): Decision {
  if (!rules.enabled) return { capture: false, reason: 'Capture is switched off' }
  if (item.state !== undefined && item.state !== 'in_progress') {
    return { capture: false, reason: `The browser's download is already ${item.state}` }
  }
  const raw = downloadUrl(item)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { capture: false, reason: 'The download has no valid URL' }
  }
  // blob: and data: URLs name bytes that live only inside this browser tab; no other program can fetch them.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { capture: false, reason: `${url.protocol} downloads stay in the browser` }
  }
  const never = rules.neverSites.find((s) => siteMatches(url.hostname, s))
  if (never !== undefined) return { capture: false, reason: `${url.hostname} is on the never list (${never})` }
  if (rules.alwaysSites.some((s) => siteMatches(url.hostname, s))) return { capture: true }
  if (rules.fileTypes.length > 0) {
    const name = suggestedName(item) ?? ''
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
    if (!rules.fileTypes.map((t) => t.toLowerCase().replace(/^\./, '')).includes(ext)) {
      return { capture: false, reason: ext ? `.${ext} is not a captured file type` : 'The file has no captured type' }
    }
  }
  const size = item.totalBytes ?? 0
  if (size > 0 && size < rules.minSize) {
    return { capture: false, reason: `Smaller than the ${formatSize(rules.minSize)} minimum` }
  }
  return { capture: true }
}

export function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${+(bytes / MIB).toFixed(1)} MiB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}
