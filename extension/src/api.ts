/** Firefox's `browser.*` where it exists (promises everywhere), else Chromium's `chrome.*` (promises under MV3). */
export const api: ext.Api = (globalThis as { browser?: ext.Api }).browser ?? chrome
