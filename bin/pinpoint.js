#!/usr/bin/env node
// The CLI runs the TypeScript sources directly: Node 24 strips types, so `npx pinpoint` needs no build step.
import { main } from '../electron/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
