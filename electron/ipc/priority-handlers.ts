import type { Handlers } from '../../shared/ipc.ts'
import type { Queue } from '../queue/queue.ts'

/** The background controller's state, for the details view. */
export function priorityHandlers(deps: { queue: Queue }): Pick<Handlers, 'background:status'> {
  return {
    'background:status': async () => deps.queue.backgroundStatus(),
  }
}
