import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'

export interface MenuItem {
  key: string
  label: string
  onSelect: () => void
  disabled?: boolean
  /** Why it is disabled: the item's tooltip and accessible description. */
  reason?: string
  /** A checkbox item (columns shown): its state. */
  checked?: boolean
  /** Shown beside the label, e.g. `Space`. */
  shortcut?: string
  /** A line above this item. */
  separated?: boolean
}

interface MenuProps {
  label: string
  testId: string
  items: readonly MenuItem[]
  /** Viewport coordinates of the menu's top-left corner; it is moved to stay on screen. */
  at: { x: number; y: number }
  /** Called on Escape, Tab, a click elsewhere, or after an item was chosen. */
  onClose: () => void
}

/**
 * A menu as the platform's context menus behave: opens with the first item focused, arrows move (disabled items
 * too, so their reasons can be read), Home/End, Enter or Space chooses, Escape closes. Disabled items stay in
 * the menu with their reason rather than disappearing, so the menu always lists the same actions.
 */
export function Menu({ label, testId, items, at, onClose }: MenuProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState(0)
  const [pos, setPos] = useState(at)

  useLayoutEffect(() => {
    const el = ref.current
    if (el === null) return
    const box = el.getBoundingClientRect()
    setPos({
      x: Math.max(4, Math.min(at.x, window.innerWidth - box.width - 4)),
      y: Math.max(4, Math.min(at.y, window.innerHeight - box.height - 4)),
    })
  }, [at])

  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]')[active]?.focus()
  }, [active])

  useEffect(() => {
    const away = (e: Event) => {
      if (!(e.target instanceof Node) || !ref.current?.contains(e.target)) onClose()
    }
    const close = () => onClose()
    window.addEventListener('pointerdown', away, true)
    window.addEventListener('resize', close)
    window.addEventListener('blur', close)
    return () => {
      window.removeEventListener('pointerdown', away, true)
      window.removeEventListener('resize', close)
      window.removeEventListener('blur', close)
    }
  }, [onClose])

  const choose = (item: MenuItem | undefined) => {
    if (item === undefined || item.disabled) return
    onClose()
    item.onSelect()
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const n = items.length
    if (e.key === 'ArrowDown') setActive((i) => (i + 1) % n)
    else if (e.key === 'ArrowUp') setActive((i) => (i - 1 + n) % n)
    else if (e.key === 'Home') setActive(0)
    else if (e.key === 'End') setActive(n - 1)
    else if (e.key === 'Enter' || e.key === ' ') choose(items[active])
    else if (e.key === 'Escape' || e.key === 'Tab') onClose()
    else return
    e.preventDefault()
    e.stopPropagation()
  }

  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={label}
      data-testid={testId}
      style={{ left: pos.x, top: pos.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item, i) => (
        <div
          key={item.key}
          role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={item.checked}
          aria-disabled={item.disabled ? true : undefined}
          aria-keyshortcuts={item.shortcut}
          title={item.disabled ? item.reason : undefined}
          data-testid={`menu-${item.key}`}
          className={`menu-item${item.separated ? ' separated' : ''}`}
          tabIndex={i === active ? 0 : -1}
          onMouseEnter={() => setActive(i)}
          onClick={() => choose(item)}
        >
          <span className="menu-check" aria-hidden="true">
            {item.checked === undefined ? '' : item.checked ? '✓' : ''}
          </span>
          <span className="menu-label">{item.label}</span>
          {item.shortcut !== undefined && <span className="menu-shortcut">{item.shortcut}</span>}
        </div>
      ))}
    </div>
  )
}
