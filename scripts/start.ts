/**
 * `npm start` after the build: the Electron app, or, where Electron's binary cannot be had, `pinpoint serve` in the
 * default browser. Arguments after `npm start --` go to `pinpoint serve` (e.g. `--port 0`).
 *
 * The binary is looked up the way test/e2e/electron-smoke.test.ts does: through the `path.txt` the electron
 * package writes after its download. Requiring the package instead would start that (large) download here.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))

function electronBinary(): string | undefined {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const executable = readFileSync(pathFile, 'utf8').trim()
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH']
  const binary = override ? join(override, executable || 'electron') : join(dir, 'dist', executable)
  return existsSync(binary) ? binary : undefined
}

/** The platform's opener, when a browser can be shown at all (Linux needs a display). */
function opener(): { cmd: string; args: string[] } | undefined {
  if (process.env['PINPOINT_NO_BROWSER']) return undefined
  if (process.platform === 'darwin') return { cmd: 'open', args: [] }
  if (process.platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] }
  if (!process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) return undefined
  return { cmd: 'xdg-open', args: [] }
}

function forwardSignals(child: ReturnType<typeof spawn>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
}

const electron = electronBinary()
if (electron) {
  const child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit' })
  forwardSignals(child)
  child.on('exit', (code) => process.exit(code ?? 1))
} else {
  console.log("Electron's binary is not installed here, so this runs `pinpoint serve` instead; open the URL below.")
  const bin = join(root, 'bin', 'pinpoint.js')
  const child = spawn(process.execPath, [bin, 'serve', ...process.argv.slice(2)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  forwardSignals(child)
  let opened = false
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (text: string) => {
    process.stdout.write(text)
    const url = /https?:\/\/\S+\?token=\S+/.exec(text)?.[0]
    const open = opener()
    if (!url || opened || !open) return
    opened = true
    // A missing or failing opener costs only the convenience: the URL is printed above.
    spawn(open.cmd, [...open.args, url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref()
  })
  child.on('exit', (code) => process.exit(code ?? 1))
}
