/** A byte range of the file; `end` is exclusive, `done` counts bytes written from `start`. */
export interface Segment {
  start: number
  end: number
  done: number
}

export const MIN_SEGMENT = 1 << 20

/** Split `[0, total)` into at most `n` equal segments of at least `min` bytes each. */
export function planSegments(total: number, n: number, min = MIN_SEGMENT): Segment[] {
  const count = Math.max(1, Math.min(n, Math.floor(total / min) || 1))
  const segments: Segment[] = []
  for (let i = 0; i < count; i++) {
    const start = Math.floor((total * i) / count)
    const end = Math.floor((total * (i + 1)) / count)
    if (end > start) segments.push({ start, end, done: 0 })
  }
  return segments
}

/** Pieces per connection, and the largest piece, when the file is hashed as it downloads (see planPieces). */
const PIECES_PER_CONNECTION = 8
const MAX_PIECE = 64 << 20

/**
 * Like planSegments, in pieces several times smaller that the connections take in order: the file then fills
 * from its start at the pace of all of them together, and its digests can follow the written prefix instead of
 * reading the whole file once it is complete. A piece costs one more ranged request on a kept-alive connection.
 */
export function planPieces(total: number, n: number, min = MIN_SEGMENT): Segment[] {
  if (n <= 1) return planSegments(total, 1, min)
  return planSegments(total, Math.max(n * PIECES_PER_CONNECTION, Math.ceil(total / MAX_PIECE)), min)
}

export function remaining(s: Segment): number {
  return s.end - s.start - s.done
}

/**
 * Where to split the segment with the most work left, so an idle connection can take its second half.
 *
 * Returns undefined when no segment has at least `2 * min` bytes left: splitting smaller ones costs a request
 * per piece and gains little. The split point keeps a `min`-byte head for the connection already on it.
 */
export function stealPoint(
  segments: readonly Segment[],
  min = MIN_SEGMENT,
): { segment: Segment; at: number } | undefined {
  let best: Segment | undefined
  for (const s of segments) if (!best || remaining(s) > remaining(best)) best = s
  if (!best || remaining(best) < 2 * min) return undefined
  const from = best.start + best.done
  return { segment: best, at: from + Math.floor(remaining(best) / 2) }
}
