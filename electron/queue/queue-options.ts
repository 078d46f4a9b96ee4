import type { Priority } from '../../shared/priority.ts'
import type { TransferSecrets } from '../../shared/transfer-secrets.ts'
import type { EngineEnv } from '../engine/transfer-runner.ts'
import type { ScheduleGate } from './schedule-gate.ts'

export interface QueueOptions {
  env: EngineEnv
  maxActive: number
  /** Coalescing window for change events: at most one batch per listener per window. */
  eventIntervalMs?: number
  /**
   * How often transfers paused for a full disk look for free space again, and resume once their remaining
   * bytes fit; off when undefined (the CLI exits instead, and re-running it resumes).
   */
  diskRecheckMs?: number
  /** The user's time windows; every transfer may run whenever the rest allows when absent. */
  schedule?: Pick<ScheduleGate, 'state' | 'heldUntil'>
}

export interface AddInput {
  url: string
  dir: string
  name?: string
  split: number
  checksum?: string
  limitRate?: number
  /** JSON of how to connect for this transfer, kept for resumes (see the CLI's connect options). */
  connection?: string | null
  paused?: boolean
  /** JSON of the SignatureRequest the file must satisfy before it completes (shared/signature.ts). */
  signature?: string | null
  priority?: Priority
  /** Credentials, secret headers and cookies, sealed in the store; over the URL's own userinfo. */
  secrets?: TransferSecrets
}
