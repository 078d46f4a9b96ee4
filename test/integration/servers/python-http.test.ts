import { startPythonHttp } from '../../fixtures/python-http.ts'
import { describeServer, files } from './scenarios.ts'

// http.server ignores Range: every download is one 200 from zero, and an interrupted one starts over.
describeServer('python3 -m http.server', () => startPythonHttp(files), 'no-ranges')
