import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, matchesGlob } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { DEEP_LINK_SCHEME, END_OF_SWITCHES } from '../../../electron/shell/launch-args.ts'
import { TRAY_ICONS, trayIconPaths } from '../../../electron/shell/tray-state.ts'

/**
 * electron-builder.yml, read with the YAML parser electron-builder itself uses (js-yaml, resolved through
 * electron-builder → app-builder-lib, so it is the same copy) and checked against electron-builder's own schema.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url))
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'))
const libRequire = createRequire(builderRequire.resolve('app-builder-lib/package.json'))
const yaml = libRequire('js-yaml') as { load(text: string): unknown }
const { validateConfiguration } = libRequire('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>
}

const Platform = z.object({ target: z.array(z.string()), icon: z.string() })
const BuilderConfig = z.object({
  appId: z.string(),
  productName: z.string(),
  asar: z.boolean(),
  files: z.array(z.string()),
  directories: z.object({ output: z.string(), buildResources: z.string() }),
  protocols: z.array(z.object({ name: z.string(), schemes: z.array(z.string()) })),
  extraMetadata: z.object({ homepage: z.url() }),
  linux: Platform.extend({
    maintainer: z.string(),
    executableName: z.string(),
    executableArgs: z.array(z.string()).optional(),
  }),
  win: Platform,
  mac: Platform,
  electronFuses: z.record(z.string(), z.boolean()),
})

const raw = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))
const config = BuilderConfig.parse(raw)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }

/** Width and height from a PNG's IHDR, which always follows the 8-byte signature at offset 16. */
function pngSize(path: string): [number, number] {
  const head = readFileSync(path).subarray(0, 24)
  expect(head.toString('latin1', 12, 16), `${path} IHDR`).toBe('IHDR')
  return [head.readUInt32BE(16), head.readUInt32BE(20)]
}

const packed = (path: string) => config.files.some((pattern) => matchesGlob(path, pattern))

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    await expect(validateConfiguration(raw, { isEnabled: false, add() {} })).resolves.toBeUndefined()
  })

  it('identifies the app', () => {
    expect(config.appId).toBe('dev.pinpoint.app')
    expect(config.productName).toBe('Pinpoint')
    expect(config.linux.executableName).toBe('pinpoint')
  })

  it('packs the app into an asar archive', () => {
    expect(config.asar).toBe(true)
  })

  it('builds AppImage and deb, NSIS, and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
  })

  it('flips the Electron fuses: no RunAsNode, NODE_OPTIONS or inspect flags; asar only, with integrity', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    })
  })

  it('packs the main entry point and package.json', () => {
    expect(packed(pkg.main)).toBe(true)
    expect(packed('dist/electron/preload.cjs')).toBe(true)
    expect(packed('package.json')).toBe(true)
  })

  it('packs every tray image main loads, with its @2x sibling (build resources are not packed by default)', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const paths = trayIconPaths('build/icons/tray', platform)
      for (const icon of TRAY_ICONS) {
        for (const file of [paths[icon], paths[icon].replace(/\.png$/, '@2x.png')]) {
          expect(packed(file), file).toBe(true)
          expect(existsSync(join(root, file)), file).toBe(true)
        }
      }
    }
  })

  it('packs the app icon main gives notifications and the Linux window', () => {
    expect(packed('build/icons/app/256x256.png')).toBe(true)
  })

  it('points Linux at a directory of <n>x<n>.png icons, 256 and 512 included', () => {
    const dir = join(root, config.linux.icon)
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'))
    expect(files).toEqual(expect.arrayContaining(['256x256.png', '512x512.png']))
    for (const file of files) {
      const match = /^(\d+)x(\d+)\.png$/.exec(file)
      expect(match, `${file} is named by its size`).not.toBeNull()
      expect(pngSize(join(dir, file)), file).toEqual([Number(match?.[1]), Number(match?.[2])])
    }
  })

  it.each(['win', 'mac'] as const)('gives %s a PNG of at least 512x512 to convert', (platform) => {
    const [width, height] = pngSize(join(root, config[platform].icon))
    expect(width).toBe(height)
    expect(width).toBeGreaterThanOrEqual(512)
  })

  it('registers the pinpoint: scheme the deep links use', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toContain(DEEP_LINK_SCHEME)
  })

  it('launches from the Linux .desktop entry with -- before the link, so a link is never read as a switch', () => {
    // electron-builder writes these after the executable on the Exec line; %U is where the desktop puts the link.
    expect(config.linux.executableArgs).toEqual([END_OF_SWITCHES, '%U'])
  })

  it('names a deb maintainer and a homepage, without which the deb target refuses to build', () => {
    expect(config.linux.maintainer).toMatch(/^[^<>]+ <[^<>\s]+@[^<>\s]+>$/)
    expect(config.extraMetadata.homepage).toMatch(/^https:\/\//)
  })
})
