import type { Desktop } from '../ipc/desktop.ts'

/** Why the browser UI cannot show or open files: they live on the server's machine, not the viewer's. */
export const NOT_OFFERED =
  'not offered by pinpoint serve: the file is on the machine running the server, which this browser cannot open'

/**
 * The desktop a daemon has: no native dialog, so "choose a folder" answers with the first --root (already
 * confined) and the page names other folders inside the roots; reveal/open do nothing but say why.
 */
export function serveDesktop(roots: readonly string[]): Desktop {
  return {
    chooseFolder: () => Promise.resolve(roots[0]),
    reveal: () => {},
    open: () => Promise.resolve(NOT_OFFERED),
    headless: { roots, notOffered: NOT_OFFERED },
  }
}
