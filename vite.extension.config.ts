import { fileURLToPath } from 'node:url'

import { defineConfig } from 'vite'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Where the unpacked Chromium build goes; scripts/build-extension.ts derives the Firefox one from it. */
export const EXTENSION_OUT = fromRoot('./dist/extension/chromium')

/**
 * The browser extension in two passes over one outDir. `--mode background`: the background script as one classic
 * (IIFE) file, because Firefox's `background.scripts` and a Chromium service worker both load it without module
 * support and it must not share chunks with the popup. `--mode popup`: the popup page and its assets.
 */
export default defineConfig(({ mode }) =>
  mode === 'background'
    ? {
        publicDir: false,
        build: {
          outDir: EXTENSION_OUT,
          emptyOutDir: true,
          target: 'chrome120',
          minify: false,
          lib: {
            entry: fromRoot('./extension/src/background.ts'),
            formats: ['iife'],
            name: 'pinpointBackground',
            fileName: () => 'background.js',
          },
        },
      }
    : {
        root: fromRoot('./extension'),
        base: './',
        publicDir: false,
        build: {
          outDir: EXTENSION_OUT,
          emptyOutDir: false,
          target: 'chrome120',
          modulePreload: { polyfill: false },
          rolldownOptions: { input: { popup: fromRoot('./extension/popup.html') } },
        },
      },
)
