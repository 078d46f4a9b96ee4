/**
 * The main process's IPC side over the real core: a store in a temp folder, a real transport and queue, the
 * real handlers and dispatcher. Only the desktop shell (dialogs, file manager) and the push sink are fakes.
 *
 * `api` is the contract's `Api` bridged straight into the dispatcher from the app's own page URL, so tests call
 * channels the way the renderer does; `raw` calls with any sender and any payload.
 */
import type { Api, EventChannel, Payload } from '../../../shared/ipc.ts'
import { Queue } from '../../../electron/queue/queue.ts'
import { openStore, type Store } from '../../../electron/store/open-store.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { createIpc } from '../../../electron/ipc/create-ipc.ts'
import type { Desktop } from '../../../electron/ipc/desktop.ts'
import type { Dispatcher } from '../../../electron/ipc/dispatch.ts'
import type { FolderTokens } from '../../../electron/ipc/folder-tokens.ts'
import type { SettingsService } from '../../../electron/ipc/settings-service.ts'
import { createProber } from '../../../electron/ipc/prober.ts'
import { coreTransports } from '../../../electron/engine/core-transport.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import type { BackgroundRate } from '../../../electron/engine/background-rate.ts'
import type { BrowserHostOptions } from '../../../electron/ipc/browser-handlers.ts'

export const APP_URL = 'app://pinpoint/index.html'

export type Emitted = { [C in EventChannel]: { channel: C; payload: Payload<C> } }[EventChannel]

export interface FakeDesktop extends Desktop {
  /** What chooseFolder answers next (undefined = the user closed the dialog). */
  nextFolder: string | undefined
  revealed: string[]
  opened: string[]
}

export interface IpcHarness {
  store: Store
  queue: Queue
  settings: SettingsService
  folders: FolderTokens
  dispatcher: Dispatcher
  desktop: FakeDesktop
  stateDir: string
  /** The settings' default download folder. */
  downloadDir: string
  emitted: Emitted[]
  api: Api
  /** Call a channel with an arbitrary payload, as the app's page or as `sender` (undefined = a subframe). */
  raw(channel: string, input: unknown, ...sender: [string | undefined] | []): Promise<unknown>
  close(): Promise<void>
}

export async function makeIpcHarness(
  opts: {
    stateDir?: string
    downloadDir?: string
    background?: BackgroundRate
    browserHosts?: BrowserHostOptions
  } = {},
): Promise<IpcHarness> {
  const stateDir = opts.stateDir ?? (await makeTempDir('ipc-state'))
  const downloadDir = opts.downloadDir ?? (await makeTempDir('ipc-dl'))
  const store = openStore({ dir: stateDir })
  const transport = createTransport({
    rules: () => store.hostRules.list(),
    connectTimeoutMs: 3000,
  })
  const queue = await Queue.open({
    env: {
      store,
      transport,
      retry: { maxAttempts: 2, baseMs: 20, maxMs: 100 },
      idleTimeoutMs: 2000,
      checkpointMs: 50,
      ...(opts.background ? { background: opts.background } : {}),
    },
    maxActive: 3,
    eventIntervalMs: 20,
  })
  const emitted: Emitted[] = []
  const listeners = new Set<(e: Emitted) => void>()
  const emit = <C extends EventChannel>(channel: C, payload: Payload<C>): void => {
    const e = { channel, payload } as Emitted
    emitted.push(e)
    for (const l of listeners) l(e)
  }
  const desktop: FakeDesktop = {
    nextFolder: undefined,
    revealed: [],
    opened: [],
    chooseFolder: async () => desktop.nextFolder,
    reveal: (path) => void desktop.revealed.push(path),
    open: async (path) => {
      desktop.opened.push(path)
      return ''
    },
  }
  const probe = createProber({ transports: coreTransports(store), connectTimeoutMs: 3000 })
  const ipc = createIpc({
    store,
    queue,
    desktop,
    appUrl: APP_URL,
    defaultDownloadDir: downloadDir,
    emit,
    probe,
    ...(opts.browserHosts ? { browserHosts: opts.browserHosts } : {}),
  })
  const { dispatcher, settings, folders } = ipc

  const api: Api = {
    invoke: (channel, input) => dispatcher.handle(channel, input, APP_URL) as never,
    on(channel, listener) {
      const wrapped = (e: Emitted): void => {
        if (e.channel === channel) listener(e.payload as never)
      }
      listeners.add(wrapped)
      return () => listeners.delete(wrapped)
    },
  }

  return {
    store,
    queue,
    settings,
    folders,
    dispatcher,
    desktop,
    stateDir,
    downloadDir,
    emitted,
    api,
    raw: (channel, input, ...sender) => dispatcher.handle(channel, input, sender.length > 0 ? sender[0] : APP_URL),
    async close() {
      ipc.close()
      await queue.stop()
      store.close()
    },
  }
}

/** A valid pin (the SPKI hash of nothing in particular) for rules that need one. */
export const SOME_PIN = `sha256//${Buffer.alloc(32, 7).toString('base64')}`
