import { z } from 'zod'

import { ConnectionSummary } from './connection.ts'
import { TransferState } from './domain.ts'
import { FailureInfo } from './errors.ts'

/** A transfer as every view shows it: the store's row plus live figures. Main owns it; views mirror it. */
export const TransferView = z.strictObject({
  id: z.number().int(),
  url: z.string(),
  name: z.string().nullable(),
  dir: z.string(),
  savedPath: z.string().nullable(),
  state: TransferState,
  error: FailureInfo.nullable(),
  total: z.number().nullable(),
  /** Bytes in hand: durable ones, plus what arrived since while running. */
  done: z.number(),
  /** Bytes per second over the last few seconds; 0 when not running. */
  speed: z.number(),
  /** Seconds left, when the total and the speed are known. */
  eta: z.number().nullable(),
  position: z.number(),
  /** The transfer's latest connection that completed its handshake; null until it has one. */
  connection: ConnectionSummary.nullable(),
})
export type TransferView = z.infer<typeof TransferView>
