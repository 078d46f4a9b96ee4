import { Command, CommanderError, Option } from 'commander'

import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { defaultRetry } from '../engine/retry-policy.ts'
import { getCommand } from './get-command.ts'
import { lsCommand } from './ls-command.ts'
import { resumeCommand } from './resume-command.ts'
import { dnsCompareCommand } from './dns-compare-command.ts'
import { nodesCommand } from './nodes-command.ts'
import { DEFAULT_NODE_BYTES } from '../transport/node-probe.ts'
import { probeCommand } from './probe-command.ts'
import { serveCommand } from './serve-command.ts'
import type { CliIo } from './io.ts'
import { processIo } from './io.ts'

/**
 * The `pinpoint` command: parse, run, and turn every outcome into an exit code.
 *
 * Expected failures are PinpointErrors whose code picks the exit status; commander's own usage errors exit 2,
 * as every usage error does (a bad flag, URL or pin). Anything else is a bug and is printed with its stack.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exit = 0
  const program = new Command('pinpoint')
    .description('Downloads that connect where you say and trust only what you pin')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)')

  withConnectOptions(program.command('probe'))
    .description('connect, verify, and show what the server presents (addresses tried, chain, SPKI pins)')
    .argument('<url>', 'an https URL')
    .option('--json', 'print one JSON object')
    .option(
      '--dns-compare',
      'ask the system resolver and --doh-url, and check every address of both (exit 4 on a likely hijack)',
    )
    .option('--nodes', 'measure every candidate node (connect, TLS, first byte, throughput), best first')
    .option(
      '--nodes-bytes <size>',
      `with --nodes: bytes read from each node (default ${DEFAULT_NODE_BYTES / 1024 ** 2}M)`,
    )
    .action(async (url: string, opts) => {
      if (opts.dnsCompare && opts.nodes)
        throw new PinpointError('BAD_INPUT', '--dns-compare and --nodes are separate probes')
      exit = await (opts.dnsCompare
        ? dnsCompareCommand(url, opts, io)
        : opts.nodes
          ? nodesCommand(url, opts, io)
          : probeCommand(url, opts, io))
    })

  withConnectOptions(program.command('get'))
    .description('download; re-running the same command resumes, and a file appears only when complete')
    .argument('[url...]', 'http or https URLs')
    .option('-o, --output <file>', 'the output file (one URL only)')
    .option('-d, --dir <dir>', 'the output folder (default: the current folder)')
    .option('-i, --input-file <file>', 'URLs one per line ("-" reads stdin); # comments and blank lines skipped')
    .option('-s, --split <n>', 'connections per download, 1-16 (default: the saved setting, else 4)')
    .option('-j, --max-concurrent <n>', 'downloads at once, 1-64 (default: the saved setting, else 3)')
    .option('--limit-rate <rate>', 'a global rate limit, e.g. 500K or 2M')
    .option('--checksum <algo=hex>', 'verify before completing: sha256, sha512, sha1 or md5')
    .option(
      '--retry <n>',
      `tries again after a transient failure at most this many times in a row (default ${defaultRetry.maxAttempts - 1})`,
    )
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'newline-delimited JSON events on stdout instead of the progress display')
    .option('--detach', 'beside a running app or serve: hand the downloads over and return at once')
    .option('-u, --user <user:password>', 'Basic credentials (user alone: the password is asked on the terminal)')
    .option('--oauth2-bearer <token>', 'send this Bearer token')
    .option(
      '-H, --header <header>',
      '"Name: value" on every request (repeatable); "Name;" empty, "Name:" removed',
      collect,
    )
    .option('-b, --cookie <data|file>', 'cookies: "name=value; n2=v2", or a Netscape cookie file')
    .option('-e, --referer <url>', 'the Referer header')
    .option('-A, --user-agent <ua>', 'the User-Agent header ("" sends none)')
    .action(async (urls: string[], opts) => {
      exit = await getCommand(urls, opts, io)
    })

  withConnectOptions(program.command('resume'))
    .description('resume every unfinished download in the state folder')
    .option('-j, --max-concurrent <n>', 'downloads at once, 1-64 (default: the saved setting, else 3)')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'newline-delimited JSON events on stdout')
    .action(async (opts) => {
      exit = await resumeCommand(opts, io)
    })

  program
    .command('ls')
    .description('list the downloads in the state folder with their state')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'one JSON object per line')
    .option('--remove-orphans', 'delete the .part files in download folders that no download owns, once confirmed')
    .option('-y, --yes', 'with --remove-orphans: delete without asking (needed when stdin is not a terminal)')
    .action(async (opts) => {
      exit = await lsCommand(opts, io)
    })

  program
    .command('serve')
    .description('run the queue as a daemon and serve the app to a browser at a tokened URL')
    .option('--port <n>', 'the port (default 7878; 0 picks a free one)')
    .option('--host <addr>', 'the address to listen on (default 127.0.0.1; anything else is reachable remotely)')
    .option('--root <dir>', 'a folder downloads may go to (repeatable; default: ~/Downloads)', collect)
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key for --tls-cert')
    .option('--token-file [file]', 'keep the token in this file (default: serve-token in the state folder; 0600)')
    .action(async (opts) => {
      exit = await serveCommand(opts, io)
    })

  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2
    }
    if (isPinpointError(err)) {
      io.stderr(`pinpoint: ${err.message}\n`)
      return exitCodeFor(err.code)
    }
    io.stderr(`pinpoint: internal error: ${(err as Error).stack ?? String(err)}\n`)
    return 1
  }
  return exit
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v]
}

/** The connection flags, curl-compatible where curl has them, shared by every command that connects. */
function withConnectOptions(cmd: Command): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v]
  return cmd
    .addOption(
      new Option('--resolve <host:port:addr[,addr]...>', 'use these addresses for host:port (repeatable)').argParser(
        collect,
      ),
    )
    .addOption(new Option('--sni <name>', 'for an IP-address URL: the server name to present and verify'))
    .addOption(
      new Option('--pinnedpubkey <sha256//b64[;sha256//b64]...>', 'SPKI pins; any chain certificate may match'),
    )
    .addOption(new Option('--trust <ca|pin>', 'pin: accept an unverified chain whose leaf key matches a pin'))
    .addOption(new Option('--cacert <file>', 'trust these PEM anchors instead of the bundled roots'))
    .addOption(new Option('--connect-timeout <seconds>', 'per address: TCP connect and TLS handshake'))
    .addOption(new Option('--doh-url <url>', "resolve names with this DNS-over-HTTPS server (curl's --doh-url)"))
    .addOption(new Option('--dns-mode <mode>', 'system, doh (DoH only; the default with --doh-url) or doh-fallback'))
}
