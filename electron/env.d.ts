/** The app's version, replaced at build time from package.json (see `define` in vite.electron.config.ts). */
declare const __PINPOINT_VERSION__: string
