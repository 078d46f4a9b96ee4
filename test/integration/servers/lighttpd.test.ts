import { startLighttpd } from '../../fixtures/lighttpd.ts'
import { describeServer, files } from './scenarios.ts'

describeServer('lighttpd', () => startLighttpd(files), 'ranges')
