import { main } from './main.ts'

// The `pinpoint` executable's body; bin/pinpoint.js loads it from the built bundle, or from source.
process.exitCode = await main(process.argv.slice(2))
