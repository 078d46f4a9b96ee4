import { z } from 'zod'

/**
 * Downloads sorted by type: each category is a list of file extensions and an optional folder, and a download
 * added without a folder of its own goes to its category's folder (else the download folder).
 *
 * The category is decided once, when the download is added, from the name the URL ends in: the server's
 * Content-Disposition name is not known yet then, and a download must not move between folders after it started.
 */
export const categoryIds = ['video', 'audio', 'archives', 'documents', 'programs', 'other'] as const
export const CategoryId = z.enum(categoryIds)
export type CategoryId = z.output<typeof CategoryId>

export const categoryLabels: Record<CategoryId, string> = {
  video: 'Video',
  audio: 'Audio',
  archives: 'Archives',
  documents: 'Documents',
  programs: 'Programs',
  other: 'Other',
}

/** Most extensions one category lists. */
export const MAX_EXTENSIONS = 100
/** An extension as stored: lower case, no leading dot; inner dots allowed for `tar.gz`. */
const EXTENSION = /^[a-z0-9](?:[a-z0-9_+-]|\.(?=[a-z0-9]))*$/
const MAX_EXTENSION_CHARS = 16

export const Extension = z
  .string()
  .max(MAX_EXTENSION_CHARS)
  .regex(EXTENSION, { error: 'an extension is letters and digits, like mp4 or tar.gz' })

export const Category = z.strictObject({
  /** `other` lists none: it takes whatever no other category does. */
  extensions: z.array(Extension).max(MAX_EXTENSIONS),
  /** The folder this category's downloads go to; null = the download folder. Only main sets it. */
  dir: z.string().min(1).max(4096).nullable(),
})
export type Category = z.output<typeof Category>

export const Categories = z.strictObject({
  video: Category,
  audio: Category,
  archives: Category,
  documents: Category,
  programs: Category,
  other: Category,
})
export type Categories = z.output<typeof Categories>

export const defaultCategories: Categories = {
  video: { extensions: ['mp4', 'mkv', 'avi', 'mov', 'webm', 'wmv', 'flv', 'm4v', 'mpg', 'mpeg', '3gp'], dir: null },
  audio: { extensions: ['mp3', 'flac', 'wav', 'aac', 'ogg', 'opus', 'm4a', 'wma', 'aiff'], dir: null },
  archives: {
    extensions: ['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'tar.gz', 'tar.bz2', 'tar.xz'],
    dir: null,
  },
  documents: {
    extensions: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'txt', 'rtf', 'csv', 'epub'],
    dir: null,
  },
  programs: {
    extensions: ['exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'appimage', 'jar', 'iso', 'img'],
    dir: null,
  },
  other: { extensions: [], dir: null },
}

/** The file name a URL ends in (its last path segment, decoded), or '' when it names none (`https://host/`). */
export function fileNameOfUrl(url: string): string {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return ''
  }
  const last = path.slice(path.lastIndexOf('/') + 1)
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

/**
 * The category of a file name: the one listing its longest matching extension (so `x.tar.gz` is an archive even
 * if `gz` were listed elsewhere); on a tie, the first in `categoryIds` order. Case does not matter; a name with
 * no listed extension (or none at all) is `other`.
 */
export function categoryOf(name: string, categories: Categories): CategoryId {
  const lower = name.toLowerCase()
  let best: CategoryId = 'other'
  let bestLength = 0
  for (const id of categoryIds) {
    if (id === 'other') continue
    for (const ext of categories[id].extensions) {
      if (ext.length > bestLength && lower.length > ext.length + 1 && lower.endsWith(`.${ext}`)) {
        best = id
        bestLength = ext.length
      }
    }
  }
  return best
}

/** The folder a download of `url` goes to when added without one: its category's, or null for the default. */
export function categoryFolder(url: string, categories: Categories): string | null {
  return categories[categoryOf(fileNameOfUrl(url), categories)].dir
}

/**
 * Extensions as a person types them (`mp4, .MKV webm`), or what is wrong with them, for the settings field.
 * Duplicates within the list are dropped; one that another category lists is refused, naming it, since a file
 * cannot go to two folders.
 */
export function parseExtensions(
  text: string,
  id: CategoryId,
  categories: Categories,
): { ok: true; extensions: string[] } | { ok: false; reason: string } {
  const extensions: string[] = []
  for (const raw of text.split(/[\s,;]+/)) {
    const ext = raw.replace(/^\*?\./, '').toLowerCase()
    if (ext === '') continue
    if (ext.length > MAX_EXTENSION_CHARS || !EXTENSION.test(ext)) {
      return {
        ok: false,
        reason: `"${raw.slice(0, 24)}" is not an extension: use letters and digits, like mp4 or tar.gz`,
      }
    }
    const owner = categoryIds.find((other) => other !== id && categories[other].extensions.includes(ext))
    if (owner !== undefined) return { ok: false, reason: `${ext} is already in ${categoryLabels[owner]}` }
    if (!extensions.includes(ext)) extensions.push(ext)
  }
  if (extensions.length > MAX_EXTENSIONS) return { ok: false, reason: `at most ${MAX_EXTENSIONS} extensions` }
  return { ok: true, extensions }
}
