/**
 * Rates as users type them: `500K`, `2M`, `1.5G` or plain bytes per second, in powers of 1024 like curl's
 * `--limit-rate`. Empty means unlimited (null); anything else unreadable is undefined.
 */
export function parseRateText(text: string): number | null | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return null
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i.exec(trimmed)
  if (!m) return undefined
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g']
  const rate = Math.floor(Number(m[1]) * unit)
  return rate > 0 ? rate : undefined
}

/** The shortest exact form of a rate in the units above. */
export function formatRateText(rate: number | null): string {
  if (rate === null) return ''
  for (const [suffix, unit] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (rate % unit === 0) return `${rate / unit}${suffix}`
  }
  return String(rate)
}

/** The CLI's `--limit-rate`: a rate, or undefined when the text is empty or unreadable. */
export function parseRate(text: string): number | undefined {
  return parseRateText(text) ?? undefined
}
