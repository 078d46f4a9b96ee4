/** The day a pin was added, as the hosts view shows it: the local calendar day, YYYY-MM-DD (sorts as text). */
export function shownDate(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
