// The least a Node client can spend on a list of small HTTPS files: eight kept-alive TLS connections, one GET at a
// time on each, the head parsed only for Content-Length, the body gathered and written to a new file in one write
// (opened O_DSYNC with --dsync, as Pinpoint opens a small file's `.part`). No state, no names, no retries, no
// checks: a floor to measure Pinpoint's own work per file against, under GNU time, in the same conditions.
// Plain JavaScript: Node's type stripping would add its own start-up to the floor.
//
//   usage: CA=cert.pem node bench/node-floor.mjs LIST OUTDIR [--dsync]
//   LIST holds one https URL per line, all on one host; CONNECT=address overrides where they connect
//   (as --resolve would), default 127.0.0.1.
import { close, constants, open, readFileSync, write } from 'node:fs'
import { basename } from 'node:path'
import { connect } from 'node:tls'

const [list, out, flag] = process.argv.slice(2)
if (!list || !out || !process.env['CA']) {
  console.error('usage: CA=cert.pem node bench/node-floor.mjs LIST OUTDIR [--dsync]')
  process.exit(2)
}
const ca = readFileSync(process.env['CA'])
const urls = readFileSync(list, 'utf8')
  .trim()
  .split('\n')
  .map((u) => new URL(u))
const openFlags =
  constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (flag === '--dsync' ? constants.O_DSYNC : 0)
const CONNECTIONS = 8
let next = 0

function fail(err) {
  console.error(err)
  process.exit(1)
}

/** Write `body` to a new file named after the URL, then call `done`. */
function save(url, body, done) {
  open(`${out}/${basename(url.pathname)}`, openFlags, 0o644, (err, fd) => {
    if (err) fail(err)
    write(fd, body, 0, body.length, 0, (err) => {
      if (err) fail(err)
      close(fd, done)
    })
  })
}

function worker() {
  return new Promise((resolve) => {
    const first = urls[0]
    const socket = connect({
      host: process.env['CONNECT'] ?? '127.0.0.1',
      port: Number(first.port || 443),
      servername: first.hostname,
      ca,
    })
    let current
    let head
    let length = -1
    let chunks = []
    let got = 0
    const request = () => {
      current = urls[next++]
      if (!current) {
        socket.end()
        resolve()
        return
      }
      socket.write(`GET ${current.pathname} HTTP/1.1\r\nhost: ${current.host}\r\n\r\n`)
    }
    socket.on('secureConnect', request)
    socket.on('error', fail)
    socket.on('data', (data) => {
      if (length < 0) {
        head = head ? Buffer.concat([head, data]) : data
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        const match = /content-length: *(\d+)/i.exec(head.toString('latin1', 0, end))
        if (!match) fail(new Error(`${current?.href}: no Content-Length`))
        length = Number(match[1])
        data = head.subarray(end + 4)
        head = undefined
        chunks = []
        got = 0
      }
      if (data.length > 0) {
        chunks.push(data)
        got += data.length
      }
      if (got >= length) {
        length = -1
        save(current, Buffer.concat(chunks), request)
      }
    })
  })
}

await Promise.all(Array.from({ length: CONNECTIONS }, worker))
