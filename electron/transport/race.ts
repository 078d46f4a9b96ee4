/**
 * Run attempts the RFC 8305 way: start one, start the next after `staggerMs` or as soon as the latest one fails,
 * keep every started attempt running, and take the first to succeed.
 *
 * A dead candidate (refused, or one that accepts TCP and never finishes TLS) therefore costs at most one
 * stagger. An error for which `isFatal` is true ends the race at once: a certificate or pin failure is an
 * answer about the server, not a reason to go looking for a node that says something else.
 */
export interface RaceOptions<E> {
  staggerMs: number
  isFatal: (err: E) => boolean
  /** Called for a success that arrived after another attempt had already won: close it. */
  dispose: (value: unknown) => void
}

export interface RaceResult<T> {
  value: T
  index: number
}

export type Attempt<T> = (signal: AbortSignal) => Promise<T>

export function race<T, E>(attempts: Attempt<T>[], opts: RaceOptions<E>): Promise<RaceResult<T>> {
  return new Promise((resolve, reject) => {
    const controllers: AbortController[] = []
    const errors: E[] = []
    let settled = false
    let next = 0
    let running = 0
    let timer: NodeJS.Timeout | undefined

    const finish = () => {
      settled = true
      if (timer) clearTimeout(timer)
      for (const c of controllers) c.abort()
    }
    const startNext = () => {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (settled || next >= attempts.length) return
      const index = next++
      const controller = new AbortController()
      controllers.push(controller)
      running++
      ;(attempts[index] as Attempt<T>)(controller.signal).then(
        (value) => {
          running--
          if (settled) return opts.dispose(value)
          finish()
          resolve({ value, index })
        },
        (err: E) => {
          running--
          if (settled) return
          errors[index] = err
          if (opts.isFatal(err)) {
            finish()
            return reject(err)
          }
          if (next < attempts.length) return startNext()
          if (running === 0) {
            finish()
            reject(new AggregateError(errors.filter((e) => e !== undefined)))
          }
        },
      )
      if (next < attempts.length) timer = setTimeout(startNext, opts.staggerMs)
    }
    if (attempts.length === 0) return reject(new AggregateError([], 'no candidates'))
    startNext()
  })
}
