import type { ErrorCode } from './errors.ts'

/** Where a failure happened, so one stderr line can name the host, the address and what the server presented. */
export interface FailureContext {
  host?: string
  address?: string
  port?: number
  servername?: string | null
  /** SPKI pins of the chain the server presented, when a pin check failed. */
  presentedPins?: string[]
  /** OpenSSL's or Node's own code, kept for the logs and `probe --json`. */
  cause?: string
}

/**
 * An expected failure with a stable code.
 *
 * Thrown inside the core and turned into data (`{ code, message }`) at its edges: the CLI's exit code, the
 * store's error column and the IPC payloads all come from `code`.
 */
export class PinpointError extends Error {
  readonly code: ErrorCode
  readonly context: FailureContext

  constructor(code: ErrorCode, message: string, context: FailureContext = {}) {
    super(message)
    this.name = 'PinpointError'
    this.code = code
    this.context = context
  }
}

export function isPinpointError(err: unknown): err is PinpointError {
  return err instanceof PinpointError
}
