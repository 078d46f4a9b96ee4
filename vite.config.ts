import { fileURLToPath } from 'node:url'

import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The renderer: a static page (app:// in the app, http in serve), so every URL in it is relative (`base: './'`). */
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron 45 ships Chromium 140.
    target: 'chrome140',
    // Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
  },
})
