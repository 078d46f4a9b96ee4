import { createInterface } from 'node:readline'

import { askSecretOnTerminal } from './ask-secret.ts'
import { coalescedWriter } from './coalesced-writer.ts'

/** Where the CLI writes, passed in so tests can run `main()` in-process and read what it printed. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  cwd: string
  env: Record<string, string | undefined>
  /** Whether stderr is a terminal, for the redrawn progress display. */
  isTTY: boolean
  stdin?: () => Promise<string>
  /** Ask a yes/no question on the terminal; absent when stdin is not a terminal, so there is no one to ask. */
  confirm?: (question: string) => Promise<boolean>
  /** Ask for a secret on the terminal without echoing it; absent when stdin is not a terminal. */
  askSecret?: (prompt: string) => Promise<string>
  /** Register a handler for SIGINT and SIGTERM; returns a function that removes it. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void
}

export function processIo(): CliIo {
  const isTTY = process.stderr.isTTY === true
  // On a terminal the progress display redraws in place and must show at once; into a file or a pipe, lines
  // that come together are written together (see coalesced-writer.ts).
  const err = isTTY ? undefined : coalescedWriter((t) => void process.stderr.write(t), STDERR_WINDOW_MS)
  if (err) {
    // When the loop runs dry, so a pipe's writes, which finish asynchronously, are still made; 'exit' is the last
    // chance after process.exit(), when only what the kernel takes at once gets out.
    process.on('beforeExit', err.flush)
    process.on('exit', err.flush)
  }
  const flushing =
    <A extends unknown[], R>(ask: (...args: A) => R) =>
    (...args: A): R => {
      err?.flush()
      return ask(...args)
    }
  return {
    // What was said on stderr goes out before what follows on stdout, as it would without the window.
    stdout: (t) => {
      err?.flush()
      process.stdout.write(t)
    },
    stderr: err ? err.write : (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY,
    ...(process.stdin.isTTY ? { confirm: flushing(askOnTerminal), askSecret: flushing(askSecretOnTerminal) } : {}),
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

/** How long stderr lines may wait to be written together when stderr is not a terminal. */
const STDERR_WINDOW_MS = 50

/**
 * The question on stderr (stdout may be piped to a file), one line read from stdin: only `y` or `yes` is yes.
 * End of input and Ctrl-C are no; readline would otherwise only pause on Ctrl-C and leave the question hanging.
 */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  let answered = false
  const answer = await new Promise<string>((resolve) => {
    rl.once('close', () => {
      if (!answered) process.stderr.write('\n')
      resolve('')
    })
    rl.once('SIGINT', () => rl.close())
    rl.question(question, (line) => {
      answered = true
      resolve(line)
    })
  })
  rl.close()
  return /^y(es)?$/i.test(answer.trim())
}
