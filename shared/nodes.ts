import { z } from 'zod'

import { FailureInfo } from './errors.ts'

/** One candidate node of a host, measured: connect, handshake, first byte, and throughput over a short read. */
export const NodeMeasure = z.strictObject({
  address: z.string(),
  /** Where the address came from: a rule, the URL, the system resolver, DoH. */
  source: z.string(),
  connectMs: z.number().optional(),
  handshakeMs: z.number().optional(),
  /** From the request to the response head. */
  firstByteMs: z.number().optional(),
  /** Bytes read and how fast, over the ranged read. */
  bytes: z.number().int().optional(),
  bytesPerSecond: z.number().optional(),
  error: FailureInfo.optional(),
})
export type NodeMeasure = z.output<typeof NodeMeasure>

export const NodeReport = z.strictObject({
  url: z.string(),
  host: z.string(),
  port: z.number().int(),
  /** Best first: measured nodes by throughput (then first byte), failed ones last. */
  nodes: z.array(NodeMeasure),
  at: z.string(),
})
export type NodeReport = z.output<typeof NodeReport>
