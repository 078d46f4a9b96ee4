/** Where the CLI writes, passed in so tests can run `main()` in-process and read what it printed. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  cwd: string
  env: Record<string, string | undefined>
  /** Whether stderr is a terminal, for the redrawn progress display. */
  isTTY: boolean
  stdin?: () => Promise<string>
  /** Register a handler for SIGINT and SIGTERM; returns a function that removes it. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void
}

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
    onSignal: (handler) => {
      process.on('SIGINT', handler)
      process.on('SIGTERM', handler)
      return () => {
        process.off('SIGINT', handler)
        process.off('SIGTERM', handler)
      }
    },
  }
}
