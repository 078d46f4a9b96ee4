import { z } from 'zod'

import { FailureInfo } from './errors.ts'

/** The browsers Pinpoint's extension runs in, as `pinpoint integrate --browser` names them. */
export const BrowserName = z.enum(['chromium', 'chrome', 'edge', 'brave', 'firefox'])
export type BrowserName = z.output<typeof BrowserName>

/** One browser: whether our native messaging host manifest is where it looks, and where that is. */
export const BrowserHostState = z.strictObject({
  browser: BrowserName,
  installed: z.boolean(),
  /** This user has a profile of the browser. */
  found: z.boolean(),
  manifestPath: z.string().max(4096),
  /** Windows: the registry key whose default value must name the manifest; nothing here writes the registry. */
  registryKey: z.string().max(1024).optional(),
})
export type BrowserHostState = z.output<typeof BrowserHostState>

/** Every browser's state, and why the last change failed (null when it did not). */
export const BrowserHostsReport = z.strictObject({
  browsers: z.array(BrowserHostState).max(16),
  error: FailureInfo.nullable(),
})
export type BrowserHostsReport = z.output<typeof BrowserHostsReport>

export const browserHostRequests = {
  /** Where each browser looks for Pinpoint's native messaging host, and whether it is there. */
  'browsers:status': { input: z.strictObject({}), output: BrowserHostsReport },
  /**
   * Install (or with `uninstall`, remove) the host for one browser, as `pinpoint integrate --browser` does;
   * answers every browser's state after it, with the failure as data when a file could not be written.
   */
  'browsers:integrate': {
    input: z.strictObject({ browser: BrowserName, uninstall: z.boolean() }),
    output: BrowserHostsReport,
  },
} as const
