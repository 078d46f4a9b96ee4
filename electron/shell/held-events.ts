type Listener = (payload: unknown) => void

export interface HeldEvents {
  /** An event from main: to the channel's listeners, or held until the page subscribes to the channel. */
  dispatch(channel: string, payload: unknown): void
  /** Subscribe; the first listener of a channel gets what was held for it, in order. Returns the unsubscribe. */
  on(channel: string, listener: Listener): () => void
}

export interface HeldEventsOptions {
  /** Most events held per channel; the oldest give way. */
  maxHeld?: number
  /** Where a listener's exception goes, so it cannot keep the other listeners from the event. */
  onError?: (err: unknown) => void
}

/**
 * The preload's event fan-out. Main may send before the page has subscribed: the renderer subscribes in an effect
 * a moment after its load event, while main sends once the page has loaded (`links:offered` from a launch, for one).
 * So what arrives for a channel nobody listens to yet is held and replayed on the first subscription, instead of
 * being lost. Replaying an old `transfers:changed` is harmless: the renderer drops batches its snapshot covers.
 */
export function createHeldEvents(opts: HeldEventsOptions = {}): HeldEvents {
  const maxHeld = opts.maxHeld ?? 1000
  const onError =
    opts.onError ??
    ((err: unknown) =>
      setTimeout(() => {
        throw err
      }))
  const listeners = new Map<string, Set<Listener>>()
  const held = new Map<string, unknown[]>()

  return {
    dispatch(channel, payload) {
      const set = listeners.get(channel)
      if (set === undefined || set.size === 0) {
        const list = held.get(channel) ?? []
        list.push(payload)
        held.set(channel, list.slice(-maxHeld))
        return
      }
      for (const listener of [...set]) {
        try {
          listener(payload)
        } catch (err) {
          onError(err)
        }
      }
    },
    on(channel, listener) {
      let set = listeners.get(channel)
      if (set === undefined) listeners.set(channel, (set = new Set()))
      set.add(listener)
      const early = held.get(channel)
      if (early !== undefined) {
        held.delete(channel)
        for (const payload of early) listener(payload)
      }
      return () => {
        set.delete(listener)
      }
    },
  }
}
