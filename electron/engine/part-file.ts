import {
  close,
  closeSync,
  constants,
  fdatasync,
  fstat,
  fsync,
  ftruncate,
  open,
  openSync,
  write,
  type Stats,
} from 'node:fs'
import { dirname } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { fileError } from './finalize.ts'
import { isLocalDir, lstatOrUndefined } from './local-fs.ts'
import type { PrefixDigests } from './prefix-digests.ts'

/**
 * The `.part` file of one transfer: positional writes from every segment, and `datasync` as the durability
 * barrier the checkpointer commits behind.
 *
 * It is created with O_EXCL and reopened with O_NOFOLLOW after an `lstat`, so a symlink planted at the
 * `.part` path (CVE-2004-2014 style) is never followed and a file we did not create is never adopted.
 */
export class PartFile {
  readonly path: string
  /**
   * A plain descriptor rather than a FileHandle: on a local disk it is opened and closed synchronously (see
   * local-fs.ts). Every use goes through `#use`, and `close` waits for those in flight, so the number is never
   * used after it is closed, when the kernel may have given it to another file.
   */
  readonly #fd: number
  readonly #local: boolean
  /** Opened O_DSYNC: a write returns only once its bytes (and the size they make) are on the disk. */
  readonly #writeThrough: boolean
  #closing: Promise<void> | undefined
  #closed = false
  #inFlight = 0
  #idle: (() => void) | undefined
  /** Told of every write once it is in the file, when the transfer's verification is hashed as it downloads. */
  digests: PrefixDigests | undefined
  /** The write in flight, if any: writes to this file go one at a time (see `write`). */
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string, fd: number, local: boolean, writeThrough: boolean) {
    this.path = path
    this.#fd = fd
    this.#local = local
    this.#writeThrough = writeThrough
  }

  /**
   * A new, empty `.part`; fails if anything exists at that path.
   *
   * `writeThrough` is for a file that arrives in one write (a body no larger than a write batch): each write
   * then carries its own sync (O_DSYNC), and `sync`/`datasync` have nothing left to do. The disk does the same
   * work as a write followed by fdatasync, but the file costs one trip through the thread pool instead of two,
   * which with a list of small files is a good part of each file's system time.
   */
  static async create(path: string, { writeThrough = false }: PartOptions = {}): Promise<PartFile> {
    const local = await isLocalDir(dirname(path))
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | (writeThrough ? constants.O_DSYNC : 0)
    try {
      return new PartFile(path, await openFd(path, flags, local), local, writeThrough)
    } catch (err) {
      throw fileError(err, path)
    }
  }

  /** Reopen our own `.part` to resume; undefined when it is gone. */
  static async reopen(path: string, { writeThrough = false }: PartOptions = {}): Promise<PartFile | undefined> {
    const st = await lstatOrUndefined(path)
    if (!st) return undefined
    if (!st.isFile()) throw new PinpointError('FILE_ERROR', `${path} is not a regular file; not touching it`)
    const local = await isLocalDir(dirname(path))
    const flags = constants.O_RDWR | constants.O_NOFOLLOW | (writeThrough ? constants.O_DSYNC : 0)
    try {
      return new PartFile(path, await openFd(path, flags, local), local, writeThrough)
    } catch (err) {
      throw fileError(err, path)
    }
  }

  /**
   * Write `buf[0, length)` at `position`. Writes from every connection of the transfer queue up here and go to
   * the kernel one at a time: concurrent writes to one file serialise on its inode lock anyway (ext4's i_rwsem),
   * and the thread-pool threads waiting for it spin, which with eight connections on two cores cost more CPU
   * than the copies themselves.
   */
  write(buf: Buffer, length: number, position: number): Promise<void> {
    if (this.#closing) return Promise.reject(this.#closedError())
    const run = this.#writing.then(() => this.#writeAll(buf, length, position))
    this.#writing = run.catch(() => {})
    return run
  }

  async #writeAll(buf: Buffer, length: number, position: number): Promise<void> {
    let off = 0
    while (off < length) {
      off += await this.#use<number>((fd, done) => write(fd, buf, off, length - off, position + off, done))
    }
    this.digests?.written(length, position)
  }

  /** Make every write finished so far durable (its data and the file's size). */
  async datasync(): Promise<void> {
    if (this.#writeThrough) return this.#writtenThrough()
    await this.#use((fd, done) => fdatasync(fd, done))
  }

  async sync(): Promise<void> {
    if (this.#writeThrough) return this.#writtenThrough()
    await this.#use((fd, done) => fsync(fd, done))
  }

  /** Write-through: the writes queued so far are durable once they have finished; a failed one has said so. */
  async #writtenThrough(): Promise<void> {
    if (this.#closed) throw this.#closedError()
    await this.#writing
  }

  async truncate(size: number): Promise<void> {
    await this.#use((fd, done) => ftruncate(fd, size, done))
  }

  async size(): Promise<number> {
    const st = await this.#use<Stats>((fd, done) => fstat(fd, done))
    return st.size
  }

  /**
   * Closes once, after the writes already queued and every call in flight have finished; a write asked for
   * after this, or any call once closed, fails as on a closed file.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    await this.digests?.dispose()
    await this.#writing
    this.#closed = true
    while (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve))
    if (this.#local) {
      try {
        closeSync(this.#fd)
      } catch {
        // A failed close leaves nothing to do: the data that counts was synced before.
      }
    } else {
      await new Promise<void>((resolve) => close(this.#fd, () => resolve()))
    }
  }

  #closedError(): PinpointError {
    return new PinpointError('FILE_ERROR', `${this.path}: already closed`)
  }

  /** Run one callback-style call on the descriptor, as a promise, counted for `close`. */
  #use<T = void>(call: (fd: number, done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closedError())
    this.#inFlight++
    return new Promise<T>((resolve, reject) => {
      call(this.#fd, (err, value) => {
        if (--this.#inFlight === 0 && this.#idle) {
          this.#idle()
          this.#idle = undefined
        }
        if (err) reject(fileError(err, this.path))
        else resolve(value as T)
      })
    })
  }
}

export interface PartOptions {
  /** Open with O_DSYNC: see `PartFile.create`. */
  writeThrough?: boolean
}

/** Open synchronously on a local disk (see local-fs.ts), through the thread pool elsewhere. */
function openFd(path: string, flags: number, local: boolean): Promise<number> {
  if (local) return Promise.resolve(openSync(path, flags, 0o644))
  return new Promise((resolve, reject) => open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))))
}
