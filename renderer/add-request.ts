import { checkFileName } from '../shared/file-name-check.ts'
import type { DuplicateChoice, Input, PreviewItem } from '../shared/ipc.ts'

type AddEach = NonNullable<Input<'transfers:add'>['options']>['each']

/** The first URL whose typed name cannot be used, and why; main checks the same rules again. */
export function firstBadName(
  urls: readonly string[],
  names: Readonly<Record<string, string>>,
): { url: string; reason: string } | undefined {
  for (const url of urls) {
    const typed = names[url]
    if (typed === undefined) continue
    const checked = checkFileName(typed)
    if (!checked.ok) return { url, reason: checked.reason }
  }
  return undefined
}

/**
 * The per-URL part of the add request: the choice for each URL already in the list (skip unless the user chose
 * otherwise), and a name where the user typed one or where "download again" gives the name shown.
 */
export function duplicateChoices(
  urls: readonly string[],
  previewed: readonly PreviewItem[],
  names: Readonly<Record<string, string>>,
  choices: Readonly<Record<string, DuplicateChoice>>,
): NonNullable<AddEach> {
  const byUrl = new Map(previewed.map((item) => [item.url, item]))
  const each: NonNullable<AddEach> = []
  for (const url of urls) {
    const item = byUrl.get(url)
    const choice = item?.existing ? (choices[url] ?? 'skip') : undefined
    const typed = names[url]?.trim()
    const renamed = typed !== undefined && typed !== item?.name ? typed : undefined
    const name = renamed ?? (choice === 'again' ? item?.againName : undefined)
    if (choice === undefined && name === undefined) continue
    each.push({ url, ...(choice === undefined ? {} : { duplicate: choice }), ...(name === undefined ? {} : { name }) })
  }
  return each
}

/** URLs in the list already that the current choices skip. */
export function skippedCount(
  previewed: readonly PreviewItem[] | null,
  choices: Readonly<Record<string, DuplicateChoice>>,
): number {
  return (previewed ?? []).filter((item) => item.existing !== null && (choices[item.url] ?? 'skip') === 'skip').length
}

/** What the preview adds to "N links ready": how many are skipped, and how many could not be checked. */
export function previewNote(
  previewed: readonly PreviewItem[] | null,
  choices: Readonly<Record<string, DuplicateChoice>>,
): string {
  if (previewed === null) return ''
  const skipped = skippedCount(previewed, choices)
  const failed = previewed.filter((item) => item.error !== null).length
  return [
    skipped > 0 ? `; ${skipped} already in the list, skipped` : '',
    failed > 0 ? `; ${failed} could not be checked` : '',
  ].join('')
}
