import type { DatabaseSync } from 'node:sqlite'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { splitCredentials, type Credentials } from '../../shared/url-credentials.ts'
import { transactionRunner } from './transaction.ts'
import { redactStoredHistory } from './redact-history.ts'
import { hasClearProxyPassword } from './proxy-password-seal.ts'

/** What a step that moves data may need beyond SQL: sealing credentials with the state folder's key. */
export interface MigrationContext {
  seal(transferId: number, credentials: Credentials): Uint8Array
  /** A stored proxy setting with its password sealed (see proxy-password-seal.ts). */
  sealProxySetting?(value: unknown): unknown
}

type Step = string | ((db: DatabaseSync, ctx: MigrationContext | undefined) => void)

/**
 * The schema, one step per version; `PRAGMA user_version` says how many steps a database has had.
 *
 * A step is never edited once released: databases in the field have already run it. Change the schema by
 * appending a step. Each runs in its own transaction together with the version bump, so a crash mid-migration
 * leaves the database at the previous version, never half-way.
 */
const migrations: readonly Step[] = [
  // v1
  `
  CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    dir TEXT NOT NULL,
    name TEXT,
    -- UNIQUE: two transfers never write one file. NULLs (no name chosen yet) do not collide.
    target_path TEXT UNIQUE,
    saved_path TEXT,
    state TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    total INTEGER,
    range_supported INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    split INTEGER NOT NULL DEFAULT 1,
    checksum TEXT,
    limit_rate INTEGER,
    position INTEGER NOT NULL,
    restarts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER
  );
  CREATE INDEX transfers_position ON transfers(position);
  CREATE INDEX transfers_state ON transfers(state);

  -- end is exclusive; done counts the durable bytes from start. The CHECK is the last line of defence for
  -- "progress never runs ahead of the data": a bad figure fails loudly instead of being resumed from.
  CREATE TABLE segments (
    transfer_id INTEGER NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (transfer_id, start),
    CHECK (start >= 0 AND "end" >= start AND done >= 0 AND done <= "end" - start)
  );

  -- port 0 = every port; rule is the JSON of a HostRule.
  CREATE TABLE host_rules (
    pattern TEXT NOT NULL,
    port INTEGER NOT NULL DEFAULT 0,
    rule TEXT NOT NULL,
    PRIMARY KEY (pattern, port)
  );

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX events_transfer ON events(transfer_id);
  `,
  // v2: how the user said to connect for this transfer (the CLI's --resolve, --sni, pins, --cacert), as JSON,
  // so a resume days later connects the same way and, above all, still checks the same pins.
  `
  ALTER TABLE transfers ADD COLUMN connection TEXT;
  -- "re-running the same command resumes" looks transfers up by URL and folder, once per URL of a list.
  CREATE INDEX transfers_url ON transfers(url, dir);
  `,
  // v3: the latest connection a transfer made (JSON of a ConnectionSummary), so each row can show where it went
  // and what it trusted, after a restart too.
  `
  ALTER TABLE transfers ADD COLUMN last_connection TEXT;
  `,
  // v4: the queue asks for the next queued transfers in order every time one settles; with 10,000 queued that
  // was a sort of every queued row each time. This index answers it by walking the first few entries.
  `
  CREATE INDEX transfers_queue ON transfers(state, position, id);
  DROP INDEX transfers_state;
  `,
  // v5: credentials leave the URL columns for a table of their own, sealed (secrets-repo.ts); the transfers a
  // user added with `user:password@` before have theirs moved there.
  (db, ctx) => {
    db.exec(`
    CREATE TABLE secrets (
      transfer_id INTEGER PRIMARY KEY REFERENCES transfers(id) ON DELETE CASCADE,
      sealed BLOB NOT NULL
    );
    `)
    moveCredentials(db, ctx)
  },
  // Every connection a transfer made or refused (JSON of a ConnectionInfo: address, SNI, TLS, the chain with its
  // pins, timings), newest last and bounded per transfer (connections-repo.ts), so its details survive a restart
  // and show the certificate a failed transfer refused. Gone with the transfer.
  `
  CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    info TEXT NOT NULL
  );
  CREATE INDEX connections_transfer ON connections(transfer_id, id);
  `,
  // The measured nodes of a host and port, best first (JSON of a NodeReport), and when they were measured: the
  // transport tries them in that order while the measurement is fresh.
  `
  CREATE TABLE node_rankings (
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    report TEXT NOT NULL,
    measured_at INTEGER NOT NULL,
    PRIMARY KEY (host, port)
  );
  `,
  // What a download must prove before it completes (JSON of a SignatureRequest: a publisher's signature, the
  // keys it may be made by, a sums file) and how that went (JSON of a SignatureResult), so both survive a restart.
  `
  ALTER TABLE transfers ADD COLUMN signature TEXT;
  ALTER TABLE transfers ADD COLUMN signature_result TEXT;
  `,
  // Host profiles: where a rule came from (the profile's name and version, and the rule as the profile gave it,
  // so a local edit shows as a difference), the signing keys the user trusts for profiles, the version of each
  // installed profile (an older one is refused), and the last version exported under each name. The small keyed
  // tables are WITHOUT ROWID: the key is the row, one b-tree each instead of a table and its key's index.
  `
  ALTER TABLE host_rules ADD COLUMN profile_name TEXT;
  ALTER TABLE host_rules ADD COLUMN profile_version INTEGER;
  ALTER TABLE host_rules ADD COLUMN profile_rule TEXT;
  CREATE TABLE profile_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    trusted_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE installed_profiles (
    name TEXT NOT NULL,
    key_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    installed_at INTEGER NOT NULL,
    PRIMARY KEY (name, key_id)
  ) WITHOUT ROWID;
  CREATE TABLE profile_exports (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // How a transfer shares the link (shared/priority.ts): `background` ones yield to everything else. Stored with
  // the transfer, so the app, `pinpoint serve` and the CLI all resume it with the priority it was given.
  `
  ALTER TABLE transfers ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'background'));
  `,
  // The credentials a host rule sends to its host (sealed like a transfer's, see host-secrets-repo.ts); port 0
  // is the every-port rule, as in host_rules. Gone with the rule.
  `
  CREATE TABLE host_rule_secrets (
    pattern TEXT NOT NULL,
    port INTEGER NOT NULL DEFAULT 0,
    sealed BLOB NOT NULL,
    PRIMARY KEY (pattern, port),
    FOREIGN KEY (pattern, port) REFERENCES host_rules (pattern, port) ON DELETE CASCADE
  );
  `,
  // "Start now anyway": the user let this transfer run inside schedule windows that would hold it, until they pause
  // it. Stored, so a restart of the app or `pinpoint serve` inside the window keeps it running.
  `
  ALTER TABLE transfers ADD COLUMN started_anyway INTEGER NOT NULL DEFAULT 0 CHECK (started_anyway IN (0, 1));
  `,
  // Messages and the connection history are shown, so they keep no link's userinfo or signature; older ones did.
  (db) => redactStoredHistory(db),
  // A manual proxy's password saved in clear in the settings table is sealed like every other credential.
  sealProxyPassword,
]

/** The schema version from which a saved proxy password is sealed, never in clear. */
export const PROXY_PASSWORD_SEALED_AT = migrations.indexOf(sealProxyPassword) + 1

/** The version this code reads and writes. */
export const SCHEMA_VERSION = migrations.length

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get()
  return Number(row?.['user_version'] ?? 0)
}

/**
 * Bring the database up to SCHEMA_VERSION (or `upTo`, so tests can make a database as an older pinpoint did).
 * Returns the number of steps run.
 *
 * A database from a newer pinpoint is refused rather than written: this code does not know what the newer steps
 * mean, and older code writing rows a newer schema constrains could corrupt them.
 */
export function migrate(db: DatabaseSync, dbPath: string, upTo = SCHEMA_VERSION, ctx?: MigrationContext): number {
  const transaction = transactionRunner(db, 'BEGIN IMMEDIATE')
  for (let ran = 0; ; ran++) {
    const done = transaction(() => {
      // Read inside the transaction: the version cannot move between the check and the step.
      const version = schemaVersion(db)
      if (version > SCHEMA_VERSION) throw newerSchema(dbPath, version)
      const step = version < upTo ? migrations[version] : undefined
      if (step === undefined) return true
      if (typeof step === 'string') db.exec(step)
      else step(db, ctx)
      db.exec(`PRAGMA user_version = ${version + 1}`)
      return false
    })
    if (done) return ran
  }
}

/** Seal the saved proxy setting's password in place, when it holds one in clear. */
function sealProxyPassword(db: DatabaseSync, ctx: MigrationContext | undefined): void {
  const row = db.prepare(`SELECT value FROM settings WHERE key = 'proxy'`).get()
  if (row === undefined) return
  let value: unknown
  try {
    value = JSON.parse(row['value'] as string)
  } catch {
    return
  }
  if (!hasClearProxyPassword(value)) return
  if (!ctx?.sealProxySetting) throw new Error('migrate: a proxy password to seal, and no key to seal it with')
  db.prepare(`UPDATE settings SET value = ? WHERE key = 'proxy'`).run(JSON.stringify(ctx.sealProxySetting(value)))
}

/** Strip userinfo from url and final_url, sealing the url's into the secrets table. */
function moveCredentials(db: DatabaseSync, ctx: MigrationContext | undefined): void {
  // `@` also appears in paths and queries; splitCredentials decides. Most rows have none and are not parsed.
  const rows = db.prepare(`SELECT id, url, final_url FROM transfers WHERE url LIKE '%@%' OR final_url LIKE '%@%'`)
  const update = db.prepare('UPDATE transfers SET url = ?, final_url = ? WHERE id = ?')
  const insert = db.prepare('INSERT OR REPLACE INTO secrets (transfer_id, sealed) VALUES (?, ?)')
  for (const r of rows.all()) {
    const id = Number(r['id'])
    const url = splitStored(r['url'] as string)
    const finalUrl = r['final_url'] === null ? undefined : splitStored(r['final_url'] as string)
    if (!url.credentials && !finalUrl?.credentials) continue
    if (url.credentials) {
      if (!ctx) throw new Error('migrate: credentials to move, and no key to seal them with')
      insert.run(id, ctx.seal(id, url.credentials))
    }
    update.run(url.url, finalUrl?.url ?? null, id)
  }
}

/** A stored URL that does not parse any more is left as it is: it has no userinfo this code could find. */
function splitStored(text: string): ReturnType<typeof splitCredentials> {
  try {
    return splitCredentials(text)
  } catch {
    return { url: text, credentials: undefined }
  }
}

export function newerSchema(dbPath: string, version: number): PinpointError {
  return new PinpointError(
    'FILE_ERROR',
    `state database ${dbPath} was written by a newer pinpoint (schema v${version}; this one knows v${SCHEMA_VERSION})`,
  )
}
