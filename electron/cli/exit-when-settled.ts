import { exitCodeFor } from '../../shared/errors.ts'

/**
 * Set the process's exit code from `run` once it settles, and guard against it never settling.
 *
 * Node exits with 13 ("unsettled top-level await") when the event loop empties while the command's promise
 * is still pending: nothing is left that could settle it. That is always a bug of ours, so it gets the
 * INTERNAL exit code and a line saying what happened, instead of a code no user can look up.
 */
export function exitWhenSettled(run: Promise<number>, stderr: (text: string) => void): Promise<void> {
  let settled = false
  const guard = () => {
    if (settled) return
    stderr('pinpoint: internal error: the command stopped with work unfinished (a promise was left unsettled)\n')
    process.exit(exitCodeFor('INTERNAL'))
  }
  process.once('beforeExit', guard)
  return run.then((code) => {
    settled = true
    process.off('beforeExit', guard)
    process.exitCode = code
  })
}
