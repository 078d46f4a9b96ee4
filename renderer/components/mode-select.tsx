interface Props<M extends string> {
  id: string
  testId: string
  value: M
  modes: ReadonlyArray<{ mode: M; label: string }>
  onChange: (mode: M) => void
}

/** The mode picker of a setting whose other fields depend on the mode (the resolver, the proxy). */
export function ModeSelect<M extends string>({ id, testId, value, modes, onChange }: Props<M>) {
  return (
    <div className="field-row">
      <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as M)}>
        {modes.map((m) => (
          <option key={m.mode} value={m.mode}>
            {m.label}
          </option>
        ))}
      </select>
    </div>
  )
}
