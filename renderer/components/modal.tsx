import { useEffect, useId, useRef, type ReactNode } from 'react'

interface ModalProps {
  testId: string
  title: string
  onClose: () => void
  children: ReactNode
  className?: string
}

/**
 * A real modal `<dialog>`: showModal() gives focus trapping, Escape and an inert background for free.
 *
 * Escape fires `cancel`; it is turned into `onClose` so the store, not the element, decides what is open.
 */
export function Modal({ testId, title, onClose, children, className }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog !== null && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      className={className === undefined ? 'modal' : `modal ${className}`}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  )
}
