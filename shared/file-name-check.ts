/**
 * Whether a file name typed by the user can be used as it is: one name inside the chosen folder, never a path.
 *
 * Shared so the add dialog says what is wrong while the user types; main checks again before adding, and also
 * refuses a name the engine would have to change (see electron/queue/user-file-name.ts).
 */

export type FileNameCheck = { ok: true; name: string } | { ok: false; reason: string }

/** What the engine keeps a name to (see electron/engine/file-names.ts). */
export const MAX_FILE_NAME_BYTES = 200

// C0/C1 controls and the bidi overrides that make `exe.txt` display as `txt.exe`.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/
const RESERVED = /[<>:"|?*]/

export function checkFileName(input: string): FileNameCheck {
  const name = input.trim()
  if (name === '') return { ok: false, reason: 'the file name is empty' }
  if (/[/\\]/.test(name)) return { ok: false, reason: 'a file name cannot contain / or \\ (no folders)' }
  if (name === '.' || name === '..') return { ok: false, reason: `"${name}" is not a file name` }
  if (name.startsWith('.')) return { ok: false, reason: 'a file name cannot start with a dot' }
  if (/[.\s]$/.test(name)) return { ok: false, reason: 'a file name cannot end with a dot or a space' }
  if (CONTROL.test(name)) return { ok: false, reason: 'a file name cannot contain control characters' }
  if (RESERVED.test(name)) return { ok: false, reason: 'a file name cannot contain < > : " | ? *' }
  if (new TextEncoder().encode(name).length > MAX_FILE_NAME_BYTES) {
    return { ok: false, reason: `a file name is at most ${MAX_FILE_NAME_BYTES} bytes` }
  }
  if (name.toLowerCase().endsWith('.part')) return { ok: false, reason: '.part is kept for unfinished downloads' }
  return { ok: true, name }
}
