import { Command, CommanderError, Option } from 'commander'

import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrlsIn } from '../../shared/redact-url.ts'
import { APP_VERSION } from '../../shared/version.ts'
import { defaultRetry } from '../engine/retry-policy.ts'
import { scheduleAdd, scheduleLs, scheduleRm } from './schedule-command.ts'
import { getCommand } from './get-command.ts'
import { lsCommand } from './ls-command.ts'
import { resumeCommand } from './resume-command.ts'
import { refreshCommand } from './refresh-command.ts'
import { dnsCompareCommand } from './dns-compare-command.ts'
import { nodesCommand } from './nodes-command.ts'
import { DEFAULT_NODE_BYTES } from '../transport/node-probe.ts'
import { hasRequestFlags, probeCommand } from './probe-command.ts'
import { ctUpdateCommand } from './ct-command.ts'
import { profileExportCommand, profileImportCommand } from './profile-command.ts'
import type { CliIo } from './io.ts'
import { processIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

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
    .version(APP_VERSION, '-V, --version', 'print the version and exit')
    // The program's own options only before a command, so `profile export --version 3` is the profile's version.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)')

  withRequestOptions(withConnectOptions(program.command('probe')))
    .description(
      'connect, verify, and show what the server presents (addresses tried, chain, SPKI pins); with request ' +
        'flags (-u, -H, -b, --oauth2-bearer, -e, -A), also send one HEAD with them and report the answer',
    )
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
    .option(
      '--state-dir <dir>',
      'the CT log list, and with --nodes where the ranking is kept (also PINPOINT_STATE_DIR)',
    )
    .action(async (url: string, opts) => {
      if (opts.dnsCompare && opts.nodes)
        throw new PinpointError('BAD_INPUT', '--dns-compare and --nodes are separate probes')
      if ((opts.dnsCompare || opts.nodes) && hasRequestFlags(opts))
        throw new PinpointError(
          'BAD_INPUT',
          'request flags (-u, -H, -b, --oauth2-bearer, -e, -A) go with a plain probe',
        )
      exit = await (opts.dnsCompare
        ? dnsCompareCommand(url, opts, io)
        : opts.nodes
          ? nodesCommand(url, opts, io)
          : probeCommand(url, opts, io))
    })

  const get = withConnectOptions(program.command('get'))
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
      '--signature <url|file|auto>',
      "complete only when the publisher's signature (minisign, signify, OpenPGP) verifies; auto: <url>.minisig, .sig, .asc",
    )
    .option('--pubkey <key|file>', 'a publisher key the signature may be made by (repeatable)', collect)
    .option('--checksum-file <url|file>', 'a SHA256SUMS-style list the file must be in (signed with --signature)')
    .option(
      '--retry <n>',
      `tries again after a transient failure at most this many times in a row (default ${defaultRetry.maxAttempts - 1})`,
    )
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'newline-delimited JSON events on stdout instead of the progress display')
    .option('--detach', 'beside a running app or serve: hand the downloads over and return at once')
    .option(
      '--nodes-spread [n]',
      "spread each download's connections over the host's n best nodes, 2-16 (default 3): measured, else the rule's",
    )
    .option(
      '--priority <priority>',
      'normal, or background: yield the link to everything else (default: the saved setting)',
    )
    .option('--ignore-schedule', 'start now even inside a schedule window that pauses downloads')
    // What `get` always does, under the flags curl users type out of habit (`curl -LO URL`).
    .addOption(new Option('-L, --location', 'follow redirects (always on; accepted as in curl)'))
    .addOption(
      new Option('-O, --remote-name', "save under the server's or the URL's name (always, unless -o; as in curl)"),
    )
  withRequestOptions(get).action(async (urls: string[], opts) => {
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
    .command('refresh')
    .description('give a paused or failed download a new URL for the same file (an expired link), keeping its bytes')
    .argument('<id>', 'the download id (pinpoint ls)')
    .argument('<url>', 'the new URL; refused unless it serves the same file')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, url: string, opts) => {
      exit = await refreshCommand(id, url, opts, io)
    })

  const schedule = program
    .command('schedule')
    .description('the weekly windows that pause or limit downloads (shared with the app and serve)')
  schedule
    .command('ls')
    .description('list the windows, numbered')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .option('--json', 'one JSON array')
    .action(async (opts) => {
      exit = await scheduleLs(opts, io)
    })
  schedule
    .command('add')
    .description('add a window, in the OS time zone (an end at or before the start runs into the next day)')
    .requiredOption('--days <days>', 'mon-fri, sat,sun, mon,wed-fri or all')
    .requiredOption('--from <HH:MM>', 'when it opens')
    .requiredOption('--to <HH:MM>', 'when it closes')
    .option('--pause-all', 'pause every download')
    .option('--pause-background', 'pause background downloads only')
    .option('--limit <rate>', 'limit the speed of all downloads, e.g. 500K or 2M')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .action(async (opts) => {
      exit = await scheduleAdd(opts, io)
    })
  schedule
    .command('rm')
    .description('remove the window numbered n by schedule ls')
    .argument('<n>', 'the window number')
    .option('--state-dir <dir>', 'where the download queue lives (also PINPOINT_STATE_DIR)')
    .action(async (n: string, opts) => {
      exit = await scheduleRm(n, opts, io)
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
      // Loaded only for their own commands: serve brings a WebSocket server, and every command pays to load
      // what is imported here.
      const { serveCommand } = await import('./serve-command.ts')
      exit = await serveCommand(opts, io)
    })

  program
    .command('native-host')
    .description("the browser extension's native messaging host (started by the browser, not by hand)")
    .option('--state-dir <dir>', 'the state folder of the Pinpoint to hand downloads to (also PINPOINT_STATE_DIR)')
    // The browser passes the caller's origin (and on Windows a window handle); they are not needed.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts) => {
      const { runNativeHost } = await import('./native-host.ts')
      exit = await runNativeHost(stateDirOf(opts, io), process.stdin, process.stdout)
    })

  program
    .command('integrate')
    .description('install the native messaging host for the browser extension (or remove it with --uninstall)')
    .option('--browser <name>', 'chromium, chrome, edge, brave or firefox (repeatable; default: those found)', collect)
    .option('--uninstall', 'remove the host manifests instead')
    .option('--extension-id <id>', 'allow this Chromium extension id instead of the published one')
    .option('--state-dir <dir>', 'the state folder the host hands downloads to (also PINPOINT_STATE_DIR)')
    .action(async (opts) => {
      const { integrateCommand } = await import('./integrate-command.ts')
      exit = await integrateCommand(opts, io)
    })

  const ct = program.command('ct').description('Certificate Transparency: the log list SCTs are checked against')
  withConnectOptions(ct.command('update'))
    .description("fetch the CT log list and its signature, verify it with the publisher's key, and install it")
    .option('--url <url>', "the v3 log list JSON (default: Google's); its signature is the same URL ending in .sig")
    .option('--pubkey <file>', "the PEM public key the list is signed with (default: Google's, built in)")
    .option('--state-dir <dir>', 'where the list is kept (also PINPOINT_STATE_DIR)')
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      exit = await ctUpdateCommand(opts, io)
    })

  const profile = program
    .command('profile')
    .description('host profiles: host rules an administrator signs once and a team imports')
  profile
    .command('export')
    .description('every saved host rule as a signed, versioned profile (stdout, or -o FILE)')
    .option('--sign <secret-key>', 'sign with this minisign secret key (asks for its passphrase if it has one)')
    .option('--public-key <file>', 'unsigned export: the minisign public key to name in it, for minisign -S')
    .option('--name <name>', 'the profile name (default "default")')
    .option('--version <n>', 'the profile version (default: one more than the last export of this name)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--state-dir <dir>', 'where the host rules live (also PINPOINT_STATE_DIR)')
    .action(async (opts) => {
      exit = await profileExportCommand(opts, io)
    })
  profile
    .command('import')
    .description('verify a profile, show what it changes, and apply it in one step once confirmed')
    .argument('<file>', 'the profile (signature on top, or FILE.minisig beside it)')
    .option('--signature <file>', 'the minisign signature, when it is neither on top nor FILE.minisig')
    .option('--trust-key <id>', 'trust this signing key id (the first import of a new key needs it off a terminal)')
    .option('--take-profile <host:port>', "for a conflict: take the profile's rule over yours (repeatable)", collect)
    .option('--dry-run', 'only show what would change')
    .option('-y, --yes', 'apply without asking (needed when stdin is not a terminal)')
    .option('--state-dir <dir>', 'where the host rules live (also PINPOINT_STATE_DIR)')
    .action(async (file: string, opts) => {
      exit = await profileImportCommand(file, opts, io)
    })

  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2
    }
    if (isPinpointError(err)) {
      io.stderr(`pinpoint: ${redactUrlsIn(err.message)}\n`)
      return exitCodeFor(err.code)
    }
    io.stderr(`pinpoint: internal error: ${redactUrlsIn((err as Error).stack ?? String(err))}\n`)
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
  return (
    cmd
      .addOption(
        new Option('--resolve <host:port:addr[,addr]...>', 'use these addresses for host:port (repeatable)').argParser(
          collect,
        ),
      )
      .addOption(new Option('--sni <name>', 'for an IP-address URL: the server name to present and verify'))
      .addOption(
        new Option(
          '--pinnedpubkey <sha256//b64[;sha256//b64]...>',
          'SPKI pins, or a public key file (PEM or DER); any chain certificate may match',
        ),
      )
      .addOption(new Option('--trust <ca|pin>', 'pin: accept an unverified chain whose leaf key matches a pin'))
      .addOption(new Option('--cacert <file>', 'trust these PEM anchors instead of the bundled roots'))
      .addOption(new Option('--connect-timeout <seconds>', 'per address: TCP connect and TLS handshake'))
      .addOption(new Option('--doh-url <url>', "resolve names with this DNS-over-HTTPS server (curl's --doh-url)"))
      .addOption(new Option('--dns-mode <mode>', 'system, doh (DoH only; the default with --doh-url) or doh-fallback'))
      .addOption(new Option('--ct <mode>', 'Certificate Transparency: report (the default) or enforce (exit 4)'))
      .addOption(new Option('--ct-policy <policy>', 'two-operators (the default) or chrome (3 SCTs past 180 days)'))
      .addOption(
        new Option('-x, --proxy <url>', 'use this proxy: [http|https|socks5|socks5h://]host[:port]; "" for none'),
      )
      .addOption(new Option('--noproxy <list>', 'hosts to reach without a proxy (NO_PROXY syntax; * for all)'))
      .addOption(new Option('--proxy-user <user:password>', "the -x proxy's user name and password (Basic, SOCKS5)"))
      .addOption(new Option('--proxy-cacert <file>', 'trust these PEM anchors for an https:// proxy'))
      .addOption(
        new Option(
          '--proxy-pinnedpubkey <sha256//b64[;...]>',
          "pins for an https:// proxy's certificate, or a key file",
        ),
      )
      // curl's -k is never offered; a curl user reaching for it is told how to trust the server instead.
      .addOption(new Option('-k, --insecure').hideHelp())
      .hook('preAction', (_command, action) => {
        if (action.opts().insecure) throw new PinpointError('BAD_INPUT', INSECURE)
      })
  )
}

const INSECURE =
  '-k/--insecure: Pinpoint never ignores certificate errors. To trust a server whose certificate does not ' +
  'verify, pin its key: `pinpoint probe URL` shows it; then add --trust pin --pinnedpubkey sha256//… ' +
  '(or give your own CA with --cacert FILE)'

/**
 * curl's request flags, shared by every command that sends a request (`get`; `probe`, which then sends a HEAD):
 * one registration, parsed by requestSetup (request-options.ts) for all of them.
 */
function withRequestOptions(cmd: Command): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v]
  return cmd
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
}
