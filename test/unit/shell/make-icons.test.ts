import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32, inflateSync } from 'node:zlib'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * scripts/make-icons.ts, run as the build runs it (a separate Node process), and its PNGs read back with a decoder
 * written here from the PNG specification: chunk CRCs are checked with node:zlib's CRC-32, not the script's.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url))
const script = join(root, 'scripts', 'make-icons.ts')
const committed = join(root, 'build', 'icons')

interface Chunk {
  readonly type: string
  readonly data: Buffer
}

interface Png {
  readonly width: number
  readonly height: number
  readonly bitDepth: number
  readonly colorType: number
  readonly interlace: number
  readonly filters: ReadonlySet<number>
  /** RGBA, 4 bytes a pixel, rows top first. */
  readonly pixels: Uint8Array
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function readChunks(file: Buffer): Chunk[] {
  expect(file.subarray(0, 8).equals(SIGNATURE), 'PNG signature').toBe(true)
  const chunks: Chunk[] = []
  let at = 8
  while (at < file.length) {
    const length = file.readUInt32BE(at)
    const type = file.toString('latin1', at + 4, at + 8)
    const data = file.subarray(at + 8, at + 8 + length)
    const stored = file.readUInt32BE(at + 8 + length)
    expect(stored, `CRC of ${type}`).toBe(crc32(file.subarray(at + 4, at + 8 + length)))
    chunks.push({ type, data })
    at += 12 + length
  }
  expect(at).toBe(file.length)
  return chunks
}

function decodePng(file: Buffer): Png {
  const chunks = readChunks(file)
  expect(chunks[0]?.type).toBe('IHDR')
  expect(chunks.at(-1)?.type).toBe('IEND')
  expect(chunks.at(-1)?.data.length).toBe(0)
  const header = chunks[0]?.data ?? Buffer.alloc(13)
  expect(header.length).toBe(13)
  const width = header.readUInt32BE(0)
  const height = header.readUInt32BE(4)
  const [bitDepth = -1, colorType = -1, compression, filterMethod, interlace = -1] = header.subarray(8)
  expect([compression, filterMethod]).toEqual([0, 0])

  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)))
  const stride = width * 4
  expect(raw.length).toBe((stride + 1) * height)

  const pixels = new Uint8Array(stride * height)
  const filters = new Set<number>()
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? -1
    filters.add(filter)
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] ?? 0
      const a = i >= 4 ? (pixels[y * stride + i - 4] ?? 0) : 0
      const b = y > 0 ? (pixels[(y - 1) * stride + i] ?? 0) : 0
      const c = i >= 4 && y > 0 ? (pixels[(y - 1) * stride + i - 4] ?? 0) : 0
      let predicted: number
      if (filter === 0) predicted = 0
      else if (filter === 1) predicted = a
      else if (filter === 2) predicted = b
      else if (filter === 3) predicted = Math.floor((a + b) / 2)
      else if (filter === 4) {
        const p = a + b - c
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      } else throw new Error(`row ${y}: unknown filter type ${filter}`)
      pixels[y * stride + i] = (x + predicted) & 0xff
    }
  }
  return { width, height, bitDepth, colorType, interlace, filters, pixels }
}

/** The RGBA of the pixel at fractions (fx, fy) of the image. */
function pixelAt(png: Png, fx: number, fy: number): [number, number, number, number] {
  const x = Math.min(png.width - 1, Math.floor(fx * png.width))
  const y = Math.min(png.height - 1, Math.floor(fy * png.height))
  const at = (y * png.width + x) * 4
  return [png.pixels[at] ?? -1, png.pixels[at + 1] ?? -1, png.pixels[at + 2] ?? -1, png.pixels[at + 3] ?? -1]
}

function listPngs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.png'))
    .map((f) => f.split('\\').join('/'))
    .sort()
}

const TRAY_FILES = ['idle', 'active', 'error'].flatMap((state): [string, number][] => [
  [`tray/tray-${state}.png`, 16],
  [`tray/tray-${state}@2x.png`, 32],
  [`tray/tray-${state}-32.png`, 32],
  [`tray/tray-${state}-32@2x.png`, 64],
])
const APP_FILES = [512, 256, 128, 64, 48, 32, 16].map((n): [string, number] => [`app/${n}x${n}.png`, n])
const EXPECTED = [...APP_FILES, ...TRAY_FILES]

let outDir = ''
const generated = new Map<string, Png>()

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'pinpoint-icons-'))
  const run = spawnSync(process.execPath, [script, '--out', outDir], { encoding: 'utf8' })
  expect(run.status, run.stderr).toBe(0)
  for (const file of listPngs(outDir)) generated.set(file, decodePng(readFileSync(join(outDir, file))))
}, 60_000)

afterAll(() => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true })
})

describe('scripts/make-icons.ts', () => {
  it('writes exactly the app and tray icons electron-builder and the tray use', () => {
    expect([...generated.keys()]).toEqual(EXPECTED.map(([file]) => file).sort())
  })

  it.each(EXPECTED)('%s is a valid %i-pixel 8-bit RGBA PNG', (file, size) => {
    const png = generated.get(file)
    expect(png).toBeDefined()
    expect(png).toMatchObject({ width: size, height: size, bitDepth: 8, colorType: 6, interlace: 0 })
  })

  it('filters rows adaptively (deflate alone would leave the large icon several times bigger)', () => {
    expect(generated.get('app/512x512.png')?.filters.size).toBeGreaterThan(1)
  })

  it('draws the app icon: transparent corners, a blue square, a white pin with a blue target', () => {
    for (const [file] of APP_FILES) {
      const png = generated.get(file)
      if (png === undefined) throw new Error(`${file} missing`)
      // The rounded corner may graze the corner pixel of the smallest sizes: a trace, never a visible square.
      expect(pixelAt(png, 0, 0)[3], `${file} corner`).toBeLessThan(8)
      const [r, g, b, a] = pixelAt(png, 0.12, 0.5)
      expect(a, `${file} background`).toBe(255)
      expect(b, `${file} background is blue`).toBeGreaterThan(r + 60)
      expect(b).toBeGreaterThan(g)
      expect(pixelAt(png, 0.5, 0.62).slice(0, 3), `${file} pin`).toEqual([255, 255, 255])
    }
    const [r, , b] = pixelAt(generated.get('app/512x512.png') as Png, 0.5, 0.41)
    expect(b, 'target centre').toBeGreaterThan(r + 100)
  })

  it('draws each tray state in its own colour, with a white mark, on a transparent ground', () => {
    const fills = new Map<string, [number, number, number, number]>()
    for (const [file, size] of TRAY_FILES) {
      const png = generated.get(file) as Png
      for (const [fx, fy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        expect(pixelAt(png, fx, fy)[3], `${file} corner`).toBe(0)
      }
      if (size === 64) {
        fills.set(file, pixelAt(png, 0.3, 0.37))
        expect(pixelAt(png, 0.5, 0.3), `${file} mark`).toEqual([255, 255, 255, 255])
      }
    }
    const [idle, active, error] = ['idle', 'active', 'error'].map((s) => fills.get(`tray/tray-${s}-32@2x.png`))
    const [ir = 0, ig = 0, ib = 0, ia = 0] = idle ?? []
    const [ar = 0, ag = 0, ab = 0, aa = 0] = active ?? []
    const [er = 0, eg = 0, eb = 0, ea = 0] = error ?? []
    expect([ia, aa, ea]).toEqual([255, 255, 255])
    expect(Math.max(ir, ig, ib) - Math.min(ir, ig, ib), 'idle is grey').toBeLessThan(24)
    expect(ab, 'active is blue').toBeGreaterThan(ar + 100)
    expect(ab).toBeGreaterThan(ag + 40)
    expect(er, 'error is red').toBeGreaterThan(eg + 100)
    expect(er).toBeGreaterThan(eb + 100)
  })

  it('matches the committed build/icons pixel for pixel (run `npm run icons` after changing the drawing)', () => {
    expect(listPngs(committed)).toEqual([...generated.keys()])
    for (const [file, png] of generated) {
      const kept = decodePng(readFileSync(join(committed, file)))
      expect({ width: kept.width, height: kept.height }, file).toEqual({ width: png.width, height: png.height })
      expect(Buffer.from(kept.pixels).equals(Buffer.from(png.pixels)), `${relative(root, join(committed, file))}`).toBe(
        true,
      )
    }
  })

  const hasFile = spawnSync('file', ['--version']).status === 0
  it.skipIf(!hasFile)('is recognised by file(1)', () => {
    const run = spawnSync('file', ['-b', join(outDir, 'app/512x512.png')], { encoding: 'utf8' })
    expect(run.stdout).toMatch(/^PNG image data, 512 x 512, 8-bit\/color RGBA, non-interlaced/)
  })
})

describe('encodePng', () => {
  /** Encodes a 37x23 image in a child process (the script is not part of the typed test program) and returns it. */
  function encodeInChild(): Buffer {
    const code = `
      import { encodePng } from ${JSON.stringify(script)}
      const w = 37, h = 23, px = new Uint8Array(w * h * 4)
      let seed = 12345
      for (let i = 0; i < px.length; i++) {
        const x = (i >> 2) % w
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        // Left: smooth gradients (Sub, Up, Paeth win); right: noise (None wins).
        px[i] = x < 20 ? (x * 7 + Math.floor(i / (w * 4)) * 5 + (i & 3) * 40) & 255 : seed >>> 24
      }
      process.stdout.write(encodePng(w, h, px))
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'buffer' })
    expect(run.status, run.stderr.toString()).toBe(0)
    return run.stdout
  }

  it('round-trips arbitrary pixels through every filter', () => {
    const png = decodePng(encodeInChild())
    expect([png.width, png.height]).toEqual([37, 23])
    const expected = new Uint8Array(37 * 23 * 4)
    let seed = 12345
    for (let i = 0; i < expected.length; i++) {
      const x = (i >> 2) % 37
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      expected[i] = x < 20 ? (x * 7 + Math.floor(i / (37 * 4)) * 5 + (i & 3) * 40) & 255 : seed >>> 24
    }
    expect(Buffer.from(png.pixels).equals(Buffer.from(expected))).toBe(true)
  })
})
