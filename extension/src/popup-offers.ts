import { api } from './api.ts'
import { loadOffers, offerText, type AcceptOffer, type Offer } from './offers.ts'

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

const STATE_LABEL: Record<Offer['state'], string> = {
  offered: 'Waiting in Pinpoint',
  working: 'Checking the link…',
  taken: 'Finishing in Pinpoint',
  refused: 'Kept in browser',
}

/** The offers to finish a waiting Pinpoint download with a browser download's link, newest first. */
export async function showOffers(): Promise<void> {
  const offers = await loadOffers()
  byId('offers-section').hidden = offers.length === 0
  byId('offers').replaceChildren(...offers.map(offerItem))
}

function offerItem(o: Offer): HTMLLIElement {
  const li = document.createElement('li')
  li.dataset['state'] = o.state
  const state = document.createElement('span')
  state.className = 'state'
  state.textContent = STATE_LABEL[o.state]
  const text = document.createElement('div')
  text.className = 'name'
  text.textContent = offerText(o)
  li.append(state, text)
  if (o.state === 'offered') {
    const accept = document.createElement('button')
    accept.type = 'button'
    accept.className = 'accept'
    accept.textContent = 'Use this link'
    accept.onclick = () => {
      accept.disabled = true
      const message: AcceptOffer = { type: 'accept-offer', downloadId: o.downloadId }
      void api.runtime.sendMessage(message).catch(() => (accept.disabled = false))
    }
    li.append(accept)
  }
  if (o.reason) {
    const reason = document.createElement('div')
    reason.className = 'reason'
    reason.textContent = o.reason
    li.append(reason)
  }
  return li
}
