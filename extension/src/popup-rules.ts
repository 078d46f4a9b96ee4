import { formatSize, MIB, type CaptureRules } from './rules.ts'
import { loadRules, saveRules } from './state.ts'

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

/** Words, one per line or separated by commas or spaces, as the list fields take them. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '')
}

function ruleHint(rules: CaptureRules): string {
  const types = rules.fileTypes.length > 0 ? ` of type ${rules.fileTypes.map((t) => `.${t}`).join(', ')}` : ''
  return `Files${types} of ${formatSize(rules.minSize)} or more; never blob: or data: downloads.`
}

interface Field {
  input: HTMLInputElement | HTMLTextAreaElement
  label: string
  show(rules: CaptureRules): string
  /** The stored value for the field's text, or why the text is not one. */
  read(text: string): { value: unknown } | { reason: string }
}

/**
 * The capture rules' own controls. Each field is saved when it changes, through the rules' schema: the next
 * browser download is decided by it at once; a value the schema refuses is not saved, and the field says why.
 */
export async function showRuleControls(): Promise<void> {
  const error = byId<HTMLParagraphElement>('rules-error')
  const hint = byId('rules-hint')
  const fields: Array<[keyof CaptureRules, Field]> = [
    [
      'minSize',
      {
        input: byId<HTMLInputElement>('min-size'),
        label: 'Minimum size',
        show: (r) => String(+(r.minSize / MIB).toFixed(3)),
        read: (text) => {
          const mib = Number(text.trim() === '' ? '0' : text)
          return Number.isFinite(mib) && mib >= 0
            ? { value: Math.round(mib * MIB) }
            : { reason: 'expected a number of MiB, 0 or more' }
        },
      },
    ],
    ['fileTypes', list(byId('file-types'), 'File types', (r) => r.fileTypes.join(', '))],
    ['alwaysSites', list(byId('always-sites'), 'Always capture from', (r) => r.alwaysSites.join('\n'))],
    ['neverSites', list(byId('never-sites'), 'Never capture from', (r) => r.neverSites.join('\n'))],
  ]
  const rules = await loadRules()
  hint.textContent = ruleHint(rules)
  for (const [key, field] of fields) {
    field.input.value = field.show(rules)
    field.input.onchange = () =>
      void (async () => {
        const read = field.read(field.input.value)
        const saved = 'reason' in read ? read : await saveRules({ [key]: read.value })
        const failed = 'reason' in saved
        field.input.setAttribute('aria-invalid', String(failed))
        error.hidden = !failed
        error.textContent = failed ? `${field.label}: ${saved.reason}` : ''
        if (failed) return
        field.input.value = field.show(saved.rules)
        hint.textContent = ruleHint(saved.rules)
      })()
  }
}

function list(input: HTMLInputElement | HTMLTextAreaElement, label: string, show: (r: CaptureRules) => string): Field {
  return { input, label, show, read: (text) => ({ value: splitList(text) }) }
}
