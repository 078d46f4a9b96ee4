import { startNginxFiles } from '../../fixtures/nginx.ts'
import { describeServer, files } from './scenarios.ts'

// nginx's ETag (mtime and size) is strong from the start.
describeServer('nginx', () => startNginxFiles(files), 'ranges')
