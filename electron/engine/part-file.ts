import { constants } from 'node:fs'
import { lstat, open, type FileHandle } from 'node:fs/promises'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { fileError } from './finalize.ts'
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
  readonly #fd: FileHandle
  /** Told of every write once it is in the file, when the transfer's verification is hashed as it downloads. */
  digests: PrefixDigests | undefined
  /** The write in flight, if any: writes to this file go one at a time (see `write`). */
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string, fd: FileHandle) {
    this.path = path
    this.#fd = fd
  }

  /** A new, empty `.part`; fails if anything exists at that path. */
  static async create(path: string): Promise<PartFile> {
    try {
      return new PartFile(path, await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, 0o644))
    } catch (err) {
      throw fileError(err, path)
    }
  }

  /** Reopen our own `.part` to resume; undefined when it is gone. */
  static async reopen(path: string): Promise<PartFile | undefined> {
    let st
    try {
      st = await lstat(path)
    } catch {
      return undefined
    }
    if (!st.isFile()) throw new PinpointError('FILE_ERROR', `${path} is not a regular file; not touching it`)
    try {
      return new PartFile(path, await open(path, constants.O_RDWR | constants.O_NOFOLLOW))
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
    const run = this.#writing.then(() => this.#writeAll(buf, length, position))
    this.#writing = run.catch(() => {})
    return run
  }

  async #writeAll(buf: Buffer, length: number, position: number): Promise<void> {
    let off = 0
    while (off < length) {
      const { bytesWritten } = await this.#fd.write(buf, off, length - off, position + off).catch((err: unknown) => {
        throw fileError(err, this.path)
      })
      off += bytesWritten
    }
    this.digests?.written(length, position)
  }

  async datasync(): Promise<void> {
    await this.#fd.datasync().catch((err: unknown) => {
      throw fileError(err, this.path)
    })
  }

  async sync(): Promise<void> {
    await this.#fd.sync().catch((err: unknown) => {
      throw fileError(err, this.path)
    })
  }

  async truncate(size: number): Promise<void> {
    await this.#fd.truncate(size).catch((err: unknown) => {
      throw fileError(err, this.path)
    })
  }

  async size(): Promise<number> {
    return (await this.#fd.stat()).size
  }

  async close(): Promise<void> {
    await this.digests?.dispose()
    await this.#fd.close().catch(() => {})
  }
}
