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
}
