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
