import { checkFileName, type FileNameCheck } from '../../shared/file-name-check.ts'
import { sanitizeName } from '../engine/file-names.ts'

/**
 * A file name the user typed, as main takes it: the shared rules, and nothing the engine would change (a
 * Windows device name, say), so the name shown and asked for is the one used. The result is a single path
 * component, which is what keeps the file inside its folder.
 */
export function checkUserFileName(input: string): FileNameCheck {
  const checked = checkFileName(input)
  if (!checked.ok) return checked
  const safe = sanitizeName(checked.name)
  if (safe !== checked.name) return { ok: false, reason: `"${checked.name}" is not a name every system can use` }
  return checked
}
