/**
 * Each download once, in first-seen order. A URL given twice is one download (see addDownloads), which the add
 * lists once for each time it was given; what is printed, counted or waited for is the download.
 */
export function onceEach<T extends { id: number }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()]
}
