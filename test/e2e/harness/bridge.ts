import { eventChannels, requestChannels } from '../../../shared/ipc.ts'

/** Name of the Playwright binding that carries `window.api.invoke` calls to the core in the test process. */
export const INVOKE_BINDING = '__pinpointInvoke'
/** Name of the page function the test process calls to deliver a main → renderer event. */
export const DISPATCH_FN = '__pinpointDispatch'

/**
 * The page side of the test bridge: the same `window.api` the preload builds, over a Playwright binding.
 *
 * It is a string, not a function, so the test runner's transform cannot add helpers to it that do not exist in
 * the page. Like the preload it refuses channels outside the contract and hands listeners the payload alone.
 * Events that arrive before the page has subscribed to their channel are held and replayed on the first `on`, as
 * the preload does (electron/shell/held-events.ts): the renderer subscribes in an effect, a moment after the
 * page's load event, when the test starts delivering.
 * The renderer still takes `transfers:list` as its snapshot and ignores older batches by `seq`, so a replayed
 * batch changes nothing it should not.
 */
export const bridgeScript = `(() => {
  const requests = new Set(${JSON.stringify(requestChannels)})
  const events = new Set(${JSON.stringify(eventChannels)})
  const listeners = new Map()
  const held = new Map()
  const invoke = (channel, input) => {
    if (!requests.has(channel)) return Promise.reject(new Error('unknown channel ' + String(channel)))
    return window.${INVOKE_BINDING}(channel, input)
  }
  const on = (channel, listener) => {
    if (!events.has(channel)) throw new Error('unknown event ' + String(channel))
    let set = listeners.get(channel)
    if (!set) listeners.set(channel, (set = new Set()))
    set.add(listener)
    const early = held.get(channel)
    if (early) {
      held.delete(channel)
      for (const payload of early) listener(payload)
    }
    return () => {
      set.delete(listener)
    }
  }
  Object.defineProperty(window, '${DISPATCH_FN}', {
    value: (channel, payload) => {
      const set = listeners.get(channel)
      if (!set || set.size === 0) {
        const list = held.get(channel) ?? []
        list.push(payload)
        held.set(channel, list.slice(-1000))
        return
      }
      for (const listener of [...set]) {
        try {
          listener(payload)
        } catch (err) {
          setTimeout(() => {
            throw err
          })
        }
      }
    },
  })
  Object.defineProperty(window, 'api', { value: Object.freeze({ invoke, on }), enumerable: true })
})()`
