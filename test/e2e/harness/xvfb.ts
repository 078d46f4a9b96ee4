import { spawn, type ChildProcess } from 'node:child_process'

/**
 * Debian's Xvfb on a display number it picks itself (`-displayfd`), so parallel runs never collide: for what
 * headless Chromium never draws, such as the browser's own context menu.
 */
export interface VirtualDisplay {
  /** `:N`, for DISPLAY. */
  display: string
  /** Run an X client (xdotool, ImageMagick's import) on this display; rejects on a non-zero exit. */
  run(cmd: string, args: string[]): Promise<void>
  stop(): void
}

export async function startXvfb(width: number, height: number): Promise<VirtualDisplay> {
  const child: ChildProcess = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  )
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    let errors = ''
    child.stderr?.on('data', (d: Buffer) => (errors += d.toString()))
    ;(child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      text += d.toString()
      if (text.includes('\n')) resolve(`:${text.trim()}`)
    })
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it started: ${errors.trim()}`)))
    setTimeout(() => reject(new Error('Xvfb did not start within 15 s')), 15_000).unref()
  })
  return {
    display,
    run: (cmd, args) =>
      new Promise((resolve, reject) => {
        const c = spawn(cmd, args, { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'ignore', 'pipe'] })
        let errors = ''
        c.stderr?.on('data', (d: Buffer) => (errors += d.toString()))
        c.once('error', reject)
        c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${errors}`))))
      }),
    stop: () => {
      child.kill()
    },
  }
}
