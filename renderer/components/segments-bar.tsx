import { useEffect, useRef } from 'react'

import { formatBytes } from '../../shared/format.ts'
import type { TransferDetails } from '../store/ui-slice.ts'

type Segments = TransferDetails['segments']

/**
 * Which byte ranges are done, drawn on a canvas so thousands of segments cost one element and no style
 * attributes; the colors come from CSS variables so the bar follows light and dark.
 */
export function SegmentsBar({ segments, total }: { segments: Segments; total: number | null }) {
  const ref = useRef<HTMLCanvasElement>(null)
  const size = total ?? segments.reduce((max, s) => Math.max(max, s.end), 0)
  const done = segments.reduce((sum, s) => sum + s.done, 0)

  useEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (canvas === null || ctx === null || ctx === undefined) return
    const css = getComputedStyle(canvas)
    const width = (canvas.width = Math.max(1, Math.round(canvas.clientWidth * devicePixelRatio)))
    const height = (canvas.height = Math.max(1, Math.round(canvas.clientHeight * devicePixelRatio)))
    ctx.fillStyle = css.getPropertyValue('--seg-empty').trim() || '#ccc'
    ctx.fillRect(0, 0, width, height)
    if (size <= 0) return
    ctx.fillStyle = css.getPropertyValue('--seg-done').trim() || '#2a7'
    for (const s of segments) {
      const x = (s.start / size) * width
      // Segments are `[start, end)`, and `done` counts from `start`.
      const w = (Math.min(s.done, s.end - s.start) / size) * width
      if (w > 0) ctx.fillRect(x, 0, Math.max(1, w), height)
    }
  }, [segments, size])

  const label =
    segments.length === 0
      ? 'No segments yet'
      : `${segments.length} segments, ${formatBytes(done)}${size > 0 ? ` of ${formatBytes(size)}` : ''} done`
  return (
    <div className="segments">
      <canvas ref={ref} className="segments-bar" data-testid="segments-bar" role="img" aria-label={label} />
      <div className="segments-label muted">{label}</div>
    </div>
  )
}
