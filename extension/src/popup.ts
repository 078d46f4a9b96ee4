import { api } from './api.ts'
import { hello } from './native.ts'
import { showOffers } from './popup-offers.ts'
import { showRuleControls } from './popup-rules.ts'
import { loadHandoffs, loadRules, saveRules, type Handoff } from './state.ts'

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

/** A page's links are never the browser's to keep: they were shown in Pinpoint, or not. */
const OFFER_LABEL: Record<Handoff['state'], string> = {
  accepted: 'Shown in Pinpoint',
  refused: 'Not shown',
  unreachable: 'Not shown',
}
const STATE_LABEL: Record<Handoff['state'], string> = {
  accepted: 'Sent to Pinpoint',
  refused: 'Kept in browser',
  unreachable: 'Kept in browser',
}

async function showConnection(): Promise<void> {
  const status = byId('status')
  try {
    const reply = await hello()
    status.dataset['state'] = reply.connected ? 'connected' : 'unreachable'
    status.textContent = reply.connected
      ? `Connected · Pinpoint ${reply.version}`
      : `Pinpoint ${reply.version} is not running`
  } catch (e) {
    status.dataset['state'] = 'unreachable'
    status.textContent = 'Not connected'
    const hint = byId('connection-hint')
    hint.textContent = e instanceof Error ? e.message : String(e)
    hint.hidden = false
  }
}

async function showRules(): Promise<void> {
  const rules = await loadRules()
  const box = byId<HTMLInputElement>('capture')
  box.checked = rules.enabled
  box.onchange = () => void saveRules({ enabled: box.checked })
  await showRuleControls()
}

async function showHandoffs(): Promise<void> {
  const list = await loadHandoffs()
  const ol = byId('handoffs')
  ol.replaceChildren(
    ...list.map((h) => {
      const li = document.createElement('li')
      li.dataset['state'] = h.state
      const state = document.createElement('span')
      state.className = 'state'
      state.textContent = h.kind === 'offer' ? OFFER_LABEL[h.state] : STATE_LABEL[h.state]
      const name = document.createElement('div')
      name.className = 'name'
      name.textContent = h.filename ?? h.url
      name.title = h.url
      li.append(state, name)
      if (h.reason) {
        const reason = document.createElement('div')
        reason.className = 'reason'
        reason.textContent = h.reason
        li.append(reason)
      }
      return li
    }),
  )
  byId('empty').hidden = list.length > 0
}

api.storage.onChanged.addListener((_changes, area) => {
  if (area !== 'local') return
  void showHandoffs()
  void showOffers()
})
void showConnection()
void showRules()
void showHandoffs()
void showOffers()
