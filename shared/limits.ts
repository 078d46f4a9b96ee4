/**
 * The limits every way of adding a download shares (the app's forms and settings, `pinpoint serve`, the CLI's
 * flags and the IPC schemas), and the defaults a download gets when its adder gives none.
 */
export const limits = {
  /** Connections per download. 16 is what servers commonly tolerate from one client (aria2's maximum, too). */
  split: { min: 1, max: 16, default: 4 },
  /** Downloads running at once. */
  maxActive: { min: 1, max: 64, default: 3 },
} as const
