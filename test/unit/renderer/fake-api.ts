import { defaultCategories } from '../../../shared/categories.ts'
import type { Api, EventChannel, Input, Output, Payload, RequestChannel } from '../../../shared/ipc.ts'
import type { Settings } from '../../../shared/settings.ts'
import type { TransferView } from '../../../shared/transfer.ts'

type Listener = (payload: never) => void

/** A promise and the functions that settle it, so a test decides when main "answers". */
export function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * A fake of the IPC boundary: invokes wait until the test answers them, and the test pushes events.
 *
 * The only fake the renderer tests use; everything behind `Api` is main's business.
 */
export function fakeApi() {
  const listeners = new Map<string, Set<Listener>>()
  const pending = new Map<string, ReturnType<typeof deferred<unknown>>>()
  const calls: Array<{ channel: string; input: unknown }> = []
  const log: string[] = []
  const api: Api = {
    invoke<C extends RequestChannel>(channel: C, input: Input<C>): Promise<Output<C>> {
      calls.push({ channel, input })
      log.push(`invoke ${channel}`)
      const d = deferred<unknown>()
      pending.set(channel, d)
      return d.promise as Promise<Output<C>>
    },
    on<C extends EventChannel>(channel: C, listener: (payload: Payload<C>) => void): () => void {
      log.push(`on ${channel}`)
      const set = listeners.get(channel) ?? new Set()
      set.add(listener as Listener)
      listeners.set(channel, set)
      return () => set.delete(listener as Listener)
    },
  }
  return {
    api,
    calls,
    log,
    emit<C extends EventChannel>(channel: C, payload: Payload<C>): void {
      for (const l of listeners.get(channel) ?? []) (l as (p: Payload<C>) => void)(payload)
    },
    answer<C extends RequestChannel>(channel: C, output: Output<C>): void {
      pending.get(channel)?.resolve(output)
    },
    fail(channel: RequestChannel, err: Error): void {
      pending.get(channel)?.reject(err)
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  }
}

export function view(id: number, over: Partial<TransferView> = {}): TransferView {
  return {
    id,
    url: `https://example.com/file-${id}.bin`,
    name: null,
    dir: '/downloads',
    savedPath: null,
    state: 'queued',
    error: null,
    total: 1000,
    done: 0,
    speed: 0,
    eta: null,
    position: id,
    connection: null,
    retry: null,
    createdAt: 0,
    completedAt: null,
    ...over,
  }
}

export const settings: Settings = {
  downloadDir: '/downloads',
  maxActive: 3,
  split: 4,
  limitRate: null,
  notifications: true,
  startAtLogin: false,
  closeToTray: true,
  categories: defaultCategories,
  dns: { mode: 'system' },
  priority: 'normal',
  schedule: [],
  proxy: { mode: 'system' },
  startFromBrowser: false,
}

/** Let pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
