/** Shown while something is dragged over the window; it ignores the pointer so the drop lands on the window. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-message">Drop links or a .txt, .html or .csv file to add downloads</div>
    </div>
  )
}
