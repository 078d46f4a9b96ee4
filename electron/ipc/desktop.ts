/**
 * What the handlers need from the desktop shell, so they stay plain Node and tests can use a fake.
 *
 * main.ts implements it with Electron's `dialog.showOpenDialog` and `shell` (showItemInFolder, openPath).
 */
export interface Desktop {
  /** The absolute path of a folder the user picked, or undefined when the dialog was closed. */
  chooseFolder(): Promise<string | undefined>
  /** Show a file selected in its folder (Electron's `shell.showItemInFolder`). */
  reveal(path: string): void
  /** Open a file or folder with the system's default application: '' = done, else the error (`shell.openPath`). */
  open(path: string): Promise<string>
  /**
   * Set by `pinpoint serve`, whose user sits at a browser that may be on another machine: no dialog they could
   * see, so they name folders inside `roots` (real paths) instead, and reveal/open cannot work, for `notOffered`.
   */
  headless?: { roots: readonly string[]; notOffered: string }
}
