import type { z } from 'zod'

import { isRequestChannel, requests, type Handlers } from '../../shared/ipc.ts'

export interface Dispatcher {
  /** Check the sender, parse the input, run the channel's handler and check what it returns. */
  handle(channel: string, raw: unknown, senderUrl: string | undefined): Promise<unknown>
}

/**
 * The one gate every request passes, kept free of Electron so it is tested under Node.
 *
 * The sender is checked before anything else, so an untrusted frame learns nothing, not even which inputs
 * parse. Errors carry only a message across IPC (Electron copies `message`, nothing else), so each one names
 * the channel and the first bad field: "transfers:add: urls.3: Too big: …".
 */
export function createDispatcher(
  handlers: Handlers,
  isTrusted: (senderUrl: string | undefined) => boolean,
): Dispatcher {
  return {
    async handle(channel, raw, senderUrl) {
      if (!isTrusted(senderUrl)) throw new Error(`${channel}: untrusted sender`)
      if (!isRequestChannel(channel)) throw new Error(`unknown channel ${JSON.stringify(channel.slice(0, 100))}`)
      const spec = requests[channel]
      const input = spec.input.safeParse(raw)
      if (!input.success) throw new Error(`${channel}: ${describe(input.error)}`)
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>
      const output = spec.output.safeParse(await handler(input.data))
      if (!output.success) throw new Error(`${channel}: internal error: bad reply: ${describe(output.error)}`)
      return output.data
    },
  }
}

/** A schema's complaint in one line: the first issue and how many more. */
export function describe(error: z.ZodError): string {
  const [first] = error.issues
  if (!first) return 'invalid input'
  const where = first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : ''
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''
  return `${where}${first.message}${more}`
}
