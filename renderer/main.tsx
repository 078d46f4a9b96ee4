import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import { App } from './app.tsx'
import { OfflineGate } from './components/offline-gate.tsx'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')

createRoot(root).render(
  <StrictMode>
    <OfflineGate>
      <App />
    </OfflineGate>
  </StrictMode>,
)
