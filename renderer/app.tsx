/** The window's top-level component; for now a placeholder until the transfer list lands. */
export function App() {
  return (
    <main className="app">
      <h1>Pinpoint</h1>
      <p className="tagline">Connects where you say, trusts only what you pin.</p>
    </main>
  )
}
