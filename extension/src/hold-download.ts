/** The longest a download is held for Pinpoint's answer; after that the browser may finish it. */
export const HOLD_MS = 30_000

/**
 * An `onDeterminingFilename` listener. A download of a fast server can finish in the browser before Pinpoint has
 * answered, leaving the file twice; Chromium cannot complete a download whose file name is still being decided,
 * so the name is held back until the download's hand-off (in `pending`) settled: cancelled by then if Pinpoint
 * took it, else released to finish as it would have. A download with no hand-off under way is not held.
 */
export function holdWhileHandingOff(
  pending: ReadonlyMap<number, Promise<void>>,
  holdMs = HOLD_MS,
): (item: { id: number }, suggest: () => void) => boolean | undefined {
  return (item, suggest) => {
    const handling = pending.get(item.id)
    if (!handling) return undefined
    let released = false
    const release = () => {
      if (released) return
      released = true
      suggest()
    }
    const held = setTimeout(release, holdMs)
    void handling.then(() => {
      clearTimeout(held)
      release()
    })
    return true
  }
}
