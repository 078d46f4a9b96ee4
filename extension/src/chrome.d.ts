/**
 * The slice of the WebExtension API this extension uses, in its promise form (Chromium's `chrome.*` under
 * Manifest V3 and Firefox's `browser.*` both return promises). Kept minimal on purpose: only what is called.
 */

declare namespace ext {
  interface Event<L extends (...args: never[]) => unknown> {
    addListener(listener: L): void
  }

  interface DownloadItem {
    id: number
    url: string
    finalUrl?: string
    referrer?: string
    filename: string
    mime?: string
    totalBytes: number
    fileSize?: number
    state: 'in_progress' | 'interrupted' | 'complete'
    byExtensionId?: string
  }

  interface Cookie {
    name: string
    value: string
    domain: string
    path: string
    secure: boolean
    session?: boolean
    expirationDate?: number
  }

  interface OnClickData {
    menuItemId: string | number
    linkUrl?: string
    pageUrl?: string
    frameUrl?: string
    selectionText?: string
  }

  interface Tab {
    id?: number
    url?: string
  }

  interface InjectionResult<T> {
    result?: T
  }

  interface StorageArea {
    get(keys: string | string[]): Promise<Record<string, unknown>>
    set(items: Record<string, unknown>): Promise<void>
  }

  interface Api {
    runtime: {
      id: string
      getManifest(): { version: string }
      sendNativeMessage(application: string, message: object): Promise<unknown>
      onInstalled: Event<() => void>
      onStartup: Event<() => void>
      lastError?: { message?: string }
      sendMessage(message: object): Promise<unknown>
      /** Return true to answer later through `sendResponse`. */
      onMessage: Event<(message: unknown, sender: unknown, sendResponse: (response?: unknown) => void) => boolean>
    }
    downloads: {
      onCreated: Event<(item: DownloadItem) => void>
      /** Chromium only. A listener that returns true holds the download until it calls `suggest`. */
      onDeterminingFilename?: Event<(item: DownloadItem, suggest: () => void) => boolean | undefined>
      cancel(id: number): Promise<void>
      erase(query: { id: number }): Promise<number[]>
      search(query: { id?: number }): Promise<DownloadItem[]>
      /** Deletes a finished download's file from disk. */
      removeFile(id: number): Promise<void>
    }
    cookies: {
      getAll(details: { url: string }): Promise<Cookie[]>
    }
    contextMenus: {
      create(props: { id: string; title: string; contexts: string[] }): void
      removeAll(): Promise<void>
      onClicked: Event<(info: OnClickData, tab?: Tab) => void>
    }
    scripting: {
      executeScript<A extends unknown[], T>(injection: {
        target: { tabId: number }
        func: (...args: A) => T
        args?: A
      }): Promise<Array<InjectionResult<T>>>
    }
    storage: {
      local: StorageArea
      onChanged: Event<(changes: Record<string, { newValue?: unknown }>, area: string) => void>
    }
    action: {
      setBadgeText(details: { text: string }): Promise<void>
      setBadgeBackgroundColor(details: { color: string }): Promise<void>
      setTitle(details: { title: string }): Promise<void>
    }
  }
}

declare const chrome: ext.Api
