import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

export interface ServeProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<number | null>
  /** The tokened URL the daemon prints once it listens. */
  url(timeoutMs?: number): Promise<URL>
}

/** Start a process that ends up running `pinpoint serve` (directly, through npm start, or in a namespace). */
export function spawnServe(command: string, args: string[], opts: SpawnOptions = {}): ServeProcess {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', (c: Buffer) => (out += String(c)))
  child.stderr?.on('data', (c: Buffer) => (err += String(c)))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async url(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const m = /(https?:\/\/\S+\?token=\S+)\n/.exec(out)
        if (m) return new URL(m[1] as string)
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no URL from serve (exit ${child.exitCode}): ${err || out}`)
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    },
  }
}
