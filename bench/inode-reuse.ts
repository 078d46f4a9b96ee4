// The system time a process spends creating 1000 empty files, after 0, 1000, 2000, … files in the same file
// system were deleted in the seconds before. Every small-files case of the reference script deletes the previous
// case's 1000 files and then creates its own, so this cost lands on whichever client runs next.
//
// On ext4 without a journal (this build machine's root file system: /proc/fs/jbd2 is empty), the inode allocator
// passes over every free inode whose deletion time is under a minute old (six while its inode table block is dirty),
// reading its on-disk record through the buffer cache for each one, before it takes a free inode. The records are
// compared in whole seconds, so the deletions here end a second before the next creations start, as they do in the
// reference script (it syncs and sleeps after each delete).
//
//   usage: node bench/inode-reuse.ts [folder]   (default: a new folder under /tmp)
// Run it when nothing else on that file system was deleted in the last minute: those deletions count too.
import { execFileSync } from 'node:child_process'
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmdirSync,
  rmSync,
  unlinkSync,
} from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const FILES = 1000
const ROUNDS = 5
const root = process.argv[2] ?? mkdtempSync('/tmp/pinpoint-inode-')
mkdirSync(root, { recursive: true })

/** System CPU seconds this process spent creating FILES empty files in a new folder. */
function create(dir: string): number {
  mkdirSync(dir)
  const before = process.cpuUsage()
  for (let i = 0; i < FILES; i++)
    closeSync(openSync(join(dir, `f${i}`), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY))
  return process.cpuUsage(before).system / 1e6
}

async function remove(dir: string): Promise<void> {
  for (const name of readdirSync(dir)) unlinkSync(join(dir, name))
  rmdirSync(dir)
  execFileSync('sync')
  // Into the next second: a deletion stamped with the current second does not count as recent yet.
  await sleep(1200)
}

console.log(`| files deleted in the minute before | sys s to create ${FILES} files | ms per file |`)
console.log('| --- | --- | --- |')
for (let round = 0; round < ROUNDS; round++) {
  const dir = join(root, `r${round}`)
  const sys = create(dir)
  console.log(`| ${round * FILES} | ${sys.toFixed(3)} | ${((sys * 1000) / FILES).toFixed(3)} |`)
  await remove(dir)
}
rmSync(root, { recursive: true, force: true })
