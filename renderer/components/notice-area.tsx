import { appStore, useStore } from '../store/index.ts'

/** Notices from main and failed commands, newest last; each stays until dismissed. */
export function NoticeArea() {
  const notices = useStore((s) => s.ui.notices)
  const dismiss = appStore.getState().dismissNotice
  return (
    <section className="notice-area" data-testid="notice-area" aria-live="polite" aria-label="Notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{n.message}</span>
          <button type="button" className="icon" aria-label="Dismiss notice" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  )
}
