import { z } from 'zod'

import { DnsChoice, systemDns } from './dns.ts'

import { Categories, CategoryId, defaultCategories, Extension, MAX_EXTENSIONS } from './categories.ts'
import { limits } from './limits.ts'
import { Priority } from './priority.ts'
import { Schedule } from './schedule.ts'
import { ProxySetting } from './proxy.ts'

/**
 * A folder the user picked in main's folder dialog, as the renderer may name it.
 *
 * The renderer never sends a path: it gets an opaque token from `dialog:chooseFolder` and hands it back, and
 * main maps it to the path it chose. So a compromised page can only ever save where the user pointed.
 */
export const FolderToken = z
  .string()
  .regex(/^folder-[A-Za-z0-9_-]{22}$/, { error: 'expected a folder token from dialog:chooseFolder, not a path' })
export type FolderToken = z.output<typeof FolderToken>

/** The highest rate limit accepted: 1 TiB/s, far above any link; it only keeps the number sane. */
export const MAX_RATE = 1024 ** 4

/** Bytes per second, a whole number above zero. */
export const Rate = z.number().int().min(1).max(MAX_RATE)

// The fields without defaults, so the patch below does not invent values the user did not send.
const fields = {
  maxActive: z.number().int().min(limits.maxActive.min).max(limits.maxActive.max),
  split: z.number().int().min(limits.split.min).max(limits.split.max),
  /** The global limit for all transfers together; null = unlimited. */
  limitRate: Rate.nullable(),
  notifications: z.boolean(),
  startAtLogin: z.boolean(),
  closeToTray: z.boolean(),
  /** Extensions and folders by type (shared/categories.ts); folders set by main from folder tokens only. */
  categories: Categories,
  /** How names are resolved where neither a download nor its host's rule says (shared/dns.ts). */
  dns: DnsChoice,
  /** The priority of a download added without one (shared/priority.ts). */
  priority: Priority,
  /** Weekly time windows that pause or limit the queue, read in the OS time zone (shared/schedule.ts). */
  schedule: Schedule,
  /** Which proxy connections go through where neither a download nor its host's rule names one. */
  proxy: ProxySetting,
  /** Whether the browser extension may start `pinpoint serve` when it hands over a download and nothing runs. */
  startFromBrowser: z.boolean(),
}

export const settingDefaults = {
  maxActive: limits.maxActive.default,
  split: limits.split.default,
  limitRate: null,
  notifications: true,
  startAtLogin: false,
  closeToTray: true,
  categories: defaultCategories,
  dns: systemDns,
  priority: 'normal',
  schedule: [],
  proxy: { mode: 'system' },
  startFromBrowser: false,
} as const satisfies { [K in keyof typeof fields]: z.output<(typeof fields)[K]> }

/** The app's settings. `downloadDir` is shown to the user; only main sets it (from a folder the dialog chose). */
export const Settings = z.strictObject({
  downloadDir: z.string().min(1).max(4096),
  maxActive: fields.maxActive.default(settingDefaults.maxActive),
  split: fields.split.default(settingDefaults.split),
  limitRate: fields.limitRate.default(settingDefaults.limitRate),
  notifications: fields.notifications.default(settingDefaults.notifications),
  startAtLogin: fields.startAtLogin.default(settingDefaults.startAtLogin),
  closeToTray: fields.closeToTray.default(settingDefaults.closeToTray),
  categories: fields.categories.default(settingDefaults.categories),
  dns: fields.dns.default(settingDefaults.dns),
  priority: fields.priority.default(settingDefaults.priority),
  schedule: fields.schedule.default(() => []),
  proxy: fields.proxy.default(settingDefaults.proxy),
  startFromBrowser: fields.startFromBrowser.default(settingDefaults.startFromBrowser),
})
export type Settings = z.output<typeof Settings>

/** The keys of Settings that are stored one by one, in the order they are read. */
export const settingKeys = Object.keys(Settings.shape) as Array<keyof Settings>

/** The schema of one setting's value (without its default), for reading a stored value back. */
export const settingFields = { downloadDir: Settings.shape.downloadDir, ...fields }

/** What the renderer may change: any field but the folder, which it names by a token instead of a path. */
export const SettingsPatch = z.strictObject({
  downloadFolder: FolderToken.optional(),
  maxActive: fields.maxActive.optional(),
  split: fields.split.optional(),
  limitRate: fields.limitRate.optional(),
  notifications: fields.notifications.optional(),
  startAtLogin: fields.startAtLogin.optional(),
  closeToTray: fields.closeToTray.optional(),
  dns: fields.dns.optional(),
  priority: fields.priority.optional(),
  proxy: fields.proxy.optional(),
  /**
   * One category's change: its extensions, and its folder as a token (null = back to the download folder). The
   * other categories stay as they are.
   */
  category: z
    .strictObject({
      id: CategoryId,
      extensions: z.array(Extension).max(MAX_EXTENSIONS).optional(),
      folder: FolderToken.nullable().optional(),
    })
    .optional(),
  schedule: fields.schedule.optional(),
  startFromBrowser: fields.startFromBrowser.optional(),
})
export type SettingsPatch = z.output<typeof SettingsPatch>

/** A saved setting this version cannot read, and what is done instead, for the settings view to show. */
export const SettingProblem = z.strictObject({
  key: z.string().max(64),
  message: z.string().max(1024),
})
export type SettingProblem = z.output<typeof SettingProblem>

/**
 * The resolver setting as saved, or why it cannot be read. Unlike the other settings it never falls back to its
 * default: resolving with the system's resolver a name the user sends only to DNS over HTTPS would leak it, so a
 * download that depends on the setting fails with this reason until the resolver is chosen again.
 */
export function readDnsSetting(stored: unknown): { ok: true; dns: DnsChoice } | { ok: false; message: string } {
  if (stored === undefined) return { ok: true, dns: systemDns }
  const parsed = fields.dns.safeParse(stored)
  if (parsed.success) return { ok: true, dns: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  return {
    ok: false,
    message: `the saved resolver setting cannot be read (${where}${issue?.message ?? 'invalid'}): choose "Resolve names with" again in Settings`,
  }
}
