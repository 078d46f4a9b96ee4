import { exitWhenSettled } from './exit-when-settled.ts'
import { main } from './main.ts'

// The `pinpoint` executable's body; bin/pinpoint.js loads it from the built bundle, or from source.
await exitWhenSettled(main(process.argv.slice(2)), (t) => void process.stderr.write(t))
