import type { Emit } from '../../shared/ipc.ts'
import type { Queue } from '../queue/queue.ts'

/** Push the queue's coalesced change batches to the renderer as `transfers:changed`; returns the unsubscribe. */
export function forwardQueueChanges(queue: Pick<Queue, 'subscribe'>, emit: Emit): () => void {
  return queue.subscribe((changes) => emit('transfers:changed', changes))
}
