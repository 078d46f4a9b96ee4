import { useShallow } from 'zustand/react/shallow'

import { actionState, type ActionKey, type ActionState } from '../action-rules.ts'
import { useStore } from '../store/index.ts'
import { actionContext, runAction, selectedViews } from '../transfer-actions.ts'

/**
 * Actions on the selection. A button that applies to nothing selected is disabled and its tooltip says why
 * (Pause on a completed download: "Completed transfers cannot be paused").
 */
export function TransferToolbar() {
  const views = useStore(useShallow(selectedViews))
  const ctx = useStore(useShallow(actionContext))
  const state = (key: ActionKey) => actionState(key, views, ctx)
  return (
    <div className="toolbar" role="toolbar" aria-label="Selected downloads">
      <ActionButton action="pause" state={state('pause')} text="Pause" />
      <ActionButton action="resume" state={state('resume')} text="Resume" />
      <ActionButton action="retry" state={state('retry')} text="Retry" />
      <ActionButton action="cancel" state={state('cancel')} text="Cancel" />
      <ActionButton action="remove" state={state('remove')} text="Remove…" keys="Delete" />
      <ActionButton action="move-top" state={state('move-top')} text="⤒" label="Move to top of queue" keys="Alt+Home" />
      <ActionButton action="move-up" state={state('move-up')} text="↑" label="Move up in queue" keys="Alt+ArrowUp" />
      <ActionButton
        action="move-down"
        state={state('move-down')}
        text="↓"
        label="Move down in queue"
        keys="Alt+ArrowDown"
      />
      <ActionButton action="reveal" state={state('reveal')} text="Show in folder" />
      <ActionButton action="open" state={state('open')} text="Open" />
    </div>
  )
}

interface ButtonProps {
  action: ActionKey
  state: ActionState
  text: string
  /** The full name, when the button shows a symbol. */
  label?: string
  keys?: string
}

function ActionButton({ action, state, text, label, keys }: ButtonProps) {
  const hint = keys === undefined ? label : `${label ?? text} (${keys.replace('Arrow', '')})`
  return (
    <button
      type="button"
      data-testid={`action-${action}`}
      aria-label={label}
      aria-keyshortcuts={keys}
      title={state.enabled ? hint : state.reason}
      disabled={!state.enabled}
      onClick={() => runAction(action)}
    >
      {label === undefined ? text : <span aria-hidden="true">{text}</span>}
    </button>
  )
}
