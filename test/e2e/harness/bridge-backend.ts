import type { Page } from 'playwright-core'

import { startCore } from '../../../electron/app-core.ts'
import type { Desktop } from '../../../electron/ipc/desktop.ts'
import type { Emit, EventChannel } from '../../../shared/ipc.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { bridgeScript, DISPATCH_FN, INVOKE_BINDING } from './bridge.ts'
import type { Backend, DesktopCalls, Emitted } from './backend.ts'
import { startStaticServer } from './static-server.ts'

type Dispatch = (channel: string, payload: unknown) => void

/**
 * The core as Electron's main runs it (`startCore`), reached from the page through a Playwright binding.
 *
 * The page gets `window.api` from an init script; each `invoke` crosses the binding into
 * `core.ipc.dispatcher.handle` with the calling frame's URL as the sender, so the core's sender check and input
 * parsing apply exactly as behind Electron's ipcMain. Only the desktop shell (folder dialog, reveal, open) is a
 * fake, because that is the IPC boundary's far side.
 */
export async function startBridgeBackend(rendererDir: string, givenStateDir?: string): Promise<Backend> {
  const dirs = await Promise.all(['e2e-state', 'e2e-downloads', 'e2e-picked'].map((k) => makeTempDir(k)))
  const [tempStateDir, downloadDir, pickedDir] = dirs as [string, string, string]
  const stateDir = givenStateDir ?? tempStateDir
  const server = await startStaticServer(rendererDir)
  const desktop: DesktopCalls = { chooseFolder: 0, reveal: [], open: [] }
  const fakeDesktop: Desktop = {
    chooseFolder: async () => {
      desktop.chooseFolder++
      return pickedDir
    },
    reveal: (path) => void desktop.reveal.push(path),
    open: async (path) => {
      desktop.open.push(path)
      return ''
    },
  }

  // Events are held until the page has loaded (and the bridge exists), then sent in order, one at a time, so a
  // later batch can never overtake an earlier one.
  const emitted: Emitted[] = []
  let page: Page | undefined
  let ready = false
  let closed = false
  let delivery = Promise.resolve()
  const held: Emitted[] = []
  const deliver = (event: Emitted): void => {
    const target = page
    if (!target) return
    delivery = delivery.then(() =>
      target
        .evaluate(
          ([fn, channel, payload]) => (globalThis as unknown as Record<string, Dispatch>)[fn]?.(channel, payload),
          [DISPATCH_FN, event.channel, event.payload] as const,
        )
        // The page may be closing or mid-reload; Electron drops a push to a gone window the same way.
        .catch(() => undefined),
    )
  }

  const emit: Emit = (channel, payload) => {
    if (closed) return
    const event = { channel: channel as EventChannel, payload: payload as unknown }
    emitted.push(event)
    if (ready) deliver(event)
    else held.push(event)
  }

  const core = await startCore({
    stateDir,
    defaultDownloadDir: downloadDir,
    appUrl: server.pageUrl,
    desktop: fakeDesktop,
    emit,
  })

  return {
    transport: 'bridge',
    core,
    pageUrl: server.pageUrl,
    downloadDir,
    pickedDir,
    desktop,
    emitted,
    emit,
    async attach(p) {
      page = p
      await p.exposeBinding(INVOKE_BINDING, ({ frame }, channel: string, input: unknown) =>
        // Only a top-level frame has a URL the core may trust, as main.ts's mainFrameUrl() decides.
        core.ipc.dispatcher.handle(channel, input, frame.parentFrame() === null ? frame.url() : undefined),
      )
      await p.addInitScript(bridgeScript)
    },
    loaded() {
      ready = true
      for (const event of held.splice(0)) deliver(event)
    },
    async close() {
      closed = true
      await delivery
      await core.shutdown()
      await server.close()
      await Promise.all(dirs.map((d) => removeTempDir(d)))
    },
  }
}
