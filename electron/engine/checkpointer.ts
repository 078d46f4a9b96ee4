import type { PartFile } from './part-file.ts'

/** A segment as the running transfer sees it. */
export interface LiveSegment {
  start: number
  /** Exclusive; shrinks when another connection steals the tail. */
  end: number
  /** Durable and committed: the only figure progress may be computed from after a restart. */
  done: number
  /** Written to the file (maybe not yet durable). */
  written: number
  /** Received from the network (written, or waiting in the write batch). */
  received: number
  busy: boolean
  /** Write out the bytes waiting in this segment's batch; set while a connection is filling it. */
  flush?: () => Promise<void>
}

/**
 * Bytes before bookkeeping: capture what has been written, `fdatasync`, and only then commit those figures.
 *
 * Offsets are captured before the sync, so everything committed was on disk when the sync returned; bytes
 * written while it ran wait for the next round. A failed sync commits nothing (after a failed fsync Linux may
 * have dropped the dirty pages, so nothing since the last good one can be trusted) and the error propagates.
 */
export async function checkpoint(
  part: PartFile,
  segments: readonly LiveSegment[],
  commit: (updates: Array<{ start: number; done: number }>) => void,
): Promise<void> {
  await Promise.all(segments.map((s) => s.flush?.()))
  const captured = segments.map((s) => s.written)
  if (segments.every((s, i) => captured[i] === s.done)) return
  await part.datasync()
  const updates = segments.map((s, i) => ({ start: s.start, done: captured[i] ?? s.done }))
  commit(updates)
  segments.forEach((s, i) => {
    s.done = Math.max(s.done, captured[i] ?? 0)
  })
}
