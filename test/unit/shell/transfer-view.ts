import type { ErrorCode } from '../../../shared/errors.ts'
import type { TransferView } from '../../../shared/transfer.ts'

let nextId = 1

/** A transfer view with sane defaults: a 100-byte download, queued, nothing done. */
export function view(overrides: Partial<TransferView> = {}): TransferView {
  const id = overrides.id ?? nextId++
  return {
    id,
    url: `https://files.example.com/file-${id}.bin`,
    name: `file-${id}.bin`,
    dir: '/downloads',
    savedPath: null,
    state: 'queued',
    error: null,
    total: 100,
    done: 0,
    speed: 0,
    eta: null,
    position: id,
    connection: null,
    retry: null,
    createdAt: 0,
    completedAt: null,
    ...overrides,
  }
}

export function failure(code: ErrorCode, message = `${code.toLowerCase()} happened`): TransferView['error'] {
  return { code, message }
}
