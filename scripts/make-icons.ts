import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

/**
 * Draws Pinpoint's icons and writes them as PNG files: `node scripts/make-icons.ts [--out <dir>]`.
 *
 * The shapes are signed distance functions sampled per pixel, so every size is drawn sharp and anti-aliased from
 * the same description instead of being scaled from one bitmap. The PNG encoder is the few lines the format needs
 * (chunks, CRC-32, zlib from node:zlib), so the build depends on no image library or native module.
 * The output is a pure function of this file: the same pixels on every run and every machine.
 *
 * Layout (default `build/icons`):
 * - `app/<n>x<n>.png`: the application icon. electron-builder reads the directory for Linux and converts the 512
 *   for Windows (.ico) and macOS (.icns).
 * - `tray/tray-<state>.png` (16 px) and `tray-<state>@2x.png` (32 px) for Windows and macOS;
 *   `tray/tray-<state>-32.png` (32 px) and `tray-<state>-32@2x.png` (64 px) for Linux panels, which are 22-24 px.
 */

// ---------------------------------------------------------------------------------------------------------------
// PNG

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 as PNG (and zlib, and gzip) define it: reflected, polynomial 0xEDB88320, pre- and post-inverted. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  // The CRC covers the type and the data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/**
 * Encodes 8-bit RGBA pixels (row by row, top first, not premultiplied) as a PNG.
 *
 * Each row gets the filter that makes its bytes smallest in absolute value (the heuristic libpng uses), which is
 * what lets deflate shrink the gradients and flat areas of an icon several times over.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`bad PNG size ${width}x${height}`)
  }
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA`)

  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type: truecolour with alpha
  header[10] = 0 // compression: deflate
  header[11] = 0 // filter method: adaptive
  header[12] = 0 // no interlace

  const stride = width * 4
  const filtered = Buffer.alloc((stride + 1) * height)
  const zero = new Uint8Array(stride)
  const candidate = new Uint8Array(stride)
  const best = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride)
    const up = y === 0 ? zero : rgba.subarray((y - 1) * stride, y * stride)
    let bestType = 0
    let bestScore = Infinity
    for (let type = 0; type <= 4; type++) {
      let score = 0
      for (let i = 0; i < stride; i++) {
        const a = i >= 4 ? (row[i - 4] ?? 0) : 0
        const b = up[i] ?? 0
        const c = i >= 4 ? (up[i - 4] ?? 0) : 0
        const v = ((row[i] ?? 0) - predict(type, a, b, c)) & 0xff
        candidate[i] = v
        score += v < 128 ? v : 256 - v
      }
      if (score < bestScore) {
        bestScore = score
        bestType = type
        best.set(candidate)
      }
    }
    const at = y * (stride + 1)
    filtered[at] = bestType
    filtered.set(best, at + 1)
  }

  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ])
}

/** PNG's five predictors: none, left, up, average, Paeth. */
function predict(type: number, a: number, b: number, c: number): number {
  switch (type) {
    case 1:
      return a
    case 2:
      return b
    case 3:
      return (a + b) >>> 1
    case 4: {
      const p = a + b - c
      const pa = Math.abs(p - a)
      const pb = Math.abs(p - b)
      const pc = Math.abs(p - c)
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }
    default:
      return 0
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing: coordinates are fractions of the icon's side, y pointing down.

type Rgb = readonly [number, number, number]

/** Signed distance to a shape's edge, negative inside. */
type Sdf = (x: number, y: number) => number

/** A shape filled with one colour; `soft` widens the edge (in icon units) for a blurred shadow. */
interface Layer {
  readonly shape: Sdf
  readonly color: Rgb | ((x: number, y: number) => Rgb)
  readonly alpha?: number
  readonly soft?: number
}

const length = (x: number, y: number) => Math.sqrt(x * x + y * y)

function circle(cx: number, cy: number, r: number): Sdf {
  return (x, y) => length(x - cx, y - cy) - r
}

function ellipse(cx: number, cy: number, rx: number, ry: number): Sdf {
  // Not exact, but close to the edge, which is all the coverage needs.
  return (x, y) => (length((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry)
}

function roundedSquare(cx: number, cy: number, half: number, radius: number): Sdf {
  return (x, y) => {
    const qx = Math.abs(x - cx) - (half - radius)
    const qy = Math.abs(y - cy) - (half - radius)
    return length(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius
  }
}

/** A round-capped stroke from (ax, ay) to (bx, by), `width` wide. */
function segment(ax: number, ay: number, bx: number, by: number, width: number): Sdf {
  return (x, y) => {
    const px = x - ax
    const py = y - ay
    const dx = bx - ax
    const dy = by - ay
    const t = Math.min(1, Math.max(0, (px * dx + py * dy) / (dx * dx + dy * dy)))
    return length(px - dx * t, py - dy * t) - width / 2
  }
}

/**
 * A map pin: a round head of radius `r` centred at (cx, cy), narrowing to a tip rounded to `tipR` at `tipY`.
 * It is the hull of two circles (Inigo Quilez's uneven capsule), so the sides meet the head tangentially.
 */
function pin(cx: number, cy: number, r: number, tipY: number, tipR: number): Sdf {
  const h = tipY - tipR - cy
  const b = (r - tipR) / h
  const a = Math.sqrt(1 - b * b)
  return (x, y) => {
    const px = Math.abs(x - cx)
    const py = y - cy
    const k = -b * px + a * py
    if (k < 0) return length(px, py) - r
    if (k > a * h) return length(px, py - h) - tipR
    return a * px + b * py - r
  }
}

function union(...shapes: Sdf[]): Sdf {
  return (x, y) => Math.min(...shapes.map((s) => s(x, y)))
}

function inset(shape: Sdf, by: number): Sdf {
  return (x, y) => shape(x, y) + by
}

/**
 * Samples per pixel side. Distance-based coverage already smooths a straight edge; the extra samples are for small
 * icons, where a pixel holds corners and thin strokes. Large icons do not need them and render four times faster.
 */
const samplesFor = (size: number) => (size >= 128 ? 2 : 4)

function render(size: number, layers: readonly Layer[]): Uint8Array {
  const SAMPLES = samplesFor(size)
  const out = new Uint8Array(size * size * 4)
  const sub = 1 / (size * SAMPLES)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied accumulation of every sample, composited front over back.
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size
          const y = (py + (sy + 0.5) / SAMPLES) / size
          let sr = 0
          let sg = 0
          let sb = 0
          let sa = 0
          for (const layer of layers) {
            const edge = Math.max(sub, layer.soft ?? 0)
            const coverage = Math.min(1, Math.max(0, 0.5 - layer.shape(x, y) / edge))
            if (coverage === 0) continue
            const alpha = coverage * (layer.alpha ?? 1)
            const [cr, cg, cb] = typeof layer.color === 'function' ? layer.color(x, y) : layer.color
            sr = cr * alpha + sr * (1 - alpha)
            sg = cg * alpha + sg * (1 - alpha)
            sb = cb * alpha + sb * (1 - alpha)
            sa = alpha + sa * (1 - alpha)
          }
          r += sr
          g += sg
          b += sb
          a += sa
        }
      }
      const n = SAMPLES * SAMPLES
      const at = (py * size + px) * 4
      const alpha = a / n
      out[at + 3] = Math.round(alpha * 255)
      if (alpha > 0) {
        out[at] = Math.round((r / n / alpha) * 255)
        out[at + 1] = Math.round((g / n / alpha) * 255)
        out[at + 2] = Math.round((b / n / alpha) * 255)
      }
    }
  }
  return out
}

const hex = (s: string): Rgb => [
  Number.parseInt(s.slice(1, 3), 16) / 255,
  Number.parseInt(s.slice(3, 5), 16) / 255,
  Number.parseInt(s.slice(5, 7), 16) / 255,
]

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
]

const WHITE = hex('#ffffff')

// ---------------------------------------------------------------------------------------------------------------
// The icons

/** The application icon: a white pin with a target in its head, on a blue rounded square. */
export function drawAppIcon(size: number): Uint8Array {
  const top = hex('#3d95ff')
  const bottom = hex('#0b3d91')
  const ink = hex('#1559c9')
  if (size <= 32) {
    // Too few pixels for rings and a shadow: a bigger pin on a fuller square, with a plain dot for the target.
    const head = { x: 0.5, y: 0.4, r: 0.25 }
    return render(size, [
      { shape: roundedSquare(0.5, 0.5, 0.47, 0.1), color: (_x, y) => mix(top, bottom, y) },
      { shape: pin(head.x, head.y, head.r, 0.9, 0.02), color: WHITE },
      { shape: circle(head.x, head.y, 0.11), color: ink },
    ])
  }
  const head = { x: 0.5, y: 0.41, r: 0.215 }
  return render(size, [
    // The margin matches macOS's icon grid; Windows and Linux icons sit a little smaller for it.
    { shape: roundedSquare(0.5, 0.5, 0.42, 0.095), color: (_x, y) => mix(top, bottom, (y - 0.08) / 0.84) },
    { shape: ellipse(0.5, 0.83, 0.13, 0.028), color: [0, 0, 0], alpha: 0.35, soft: 0.03 },
    { shape: pin(head.x, head.y, head.r, 0.835, 0.012), color: WHITE },
    { shape: circle(head.x, head.y, 0.13), color: ink },
    { shape: circle(head.x, head.y, 0.085), color: WHITE },
    { shape: circle(head.x, head.y, 0.042), color: ink },
  ])
}

export type TrayIconState = 'idle' | 'active' | 'error'

/** Fill and outline per state; the outline keeps the pin visible on light panels, the fill on dark ones. */
const TRAY_COLOURS: Record<TrayIconState, { fill: Rgb; edge: Rgb }> = {
  idle: { fill: hex('#a0a6ad'), edge: hex('#4f555c') },
  active: { fill: hex('#2f8cff'), edge: hex('#0a4596') },
  error: { fill: hex('#ee3b3b'), edge: hex('#8f1515') },
}

/**
 * A tray icon: a pin in the state's colour, with a mark in its head that differs by shape too (a dot, a down arrow,
 * an exclamation mark), so the states stay distinct without colour vision.
 */
export function drawTrayIcon(state: TrayIconState, size: number): Uint8Array {
  const { fill, edge } = TRAY_COLOURS[state]
  const head = { x: 0.5, y: 0.37, r: 0.345 }
  const body = pin(head.x, head.y, head.r, 0.985, 0.03)
  // The outline is one pixel at 16 px and scales with the icon, so the @2x image is the same drawing.
  const outline = 1 / 16
  const stroke = 0.105
  const marks: Record<TrayIconState, Sdf> = {
    idle: circle(head.x, head.y, 0.12),
    active: union(
      segment(0.5, 0.19, 0.5, 0.52, stroke),
      segment(0.5, 0.53, 0.37, 0.4, stroke),
      segment(0.5, 0.53, 0.63, 0.4, stroke),
    ),
    error: union(segment(0.5, 0.17, 0.5, 0.36, stroke + 0.01), circle(0.5, 0.54, 0.07)),
  }
  return render(size, [
    { shape: body, color: edge },
    { shape: inset(body, outline), color: fill },
    { shape: marks[state], color: WHITE },
  ])
}

// ---------------------------------------------------------------------------------------------------------------
// Files

export const APP_ICON_SIZES = [512, 256, 128, 64, 48, 32, 16] as const
export const TRAY_STATES: readonly TrayIconState[] = ['idle', 'active', 'error']

/** Every file this script writes, relative to the output directory, with its pixels. */
export function iconFiles(): { path: string; size: number; draw: () => Uint8Array }[] {
  const files: { path: string; size: number; draw: () => Uint8Array }[] = []
  for (const size of APP_ICON_SIZES) {
    files.push({ path: `app/${size}x${size}.png`, size, draw: () => drawAppIcon(size) })
  }
  for (const state of TRAY_STATES) {
    for (const [name, size] of [
      [`tray-${state}.png`, 16],
      [`tray-${state}@2x.png`, 32],
      [`tray-${state}-32.png`, 32],
      [`tray-${state}-32@2x.png`, 64],
    ] as const) {
      files.push({ path: `tray/${name}`, size, draw: () => drawTrayIcon(state, size) })
    }
  }
  return files
}

export function writeIcons(outDir: string): string[] {
  const written: string[] = []
  for (const file of iconFiles()) {
    const path = join(outDir, file.path)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, encodePng(file.size, file.size, file.draw()))
    written.push(path)
  }
  return written
}

function main(argv: readonly string[]): void {
  const at = argv.indexOf('--out')
  const root = resolve(import.meta.dirname, '..')
  const outDir = at === -1 ? join(root, 'build', 'icons') : resolve(argv[at + 1] ?? '')
  if (at !== -1 && argv[at + 1] === undefined) throw new Error('usage: node scripts/make-icons.ts [--out <dir>]')
  const written = writeIcons(outDir)
  console.log(`make-icons: wrote ${written.length} PNG files to ${relative(process.cwd(), outDir) || '.'}`)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2))
}
