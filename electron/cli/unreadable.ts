/**
 * Why a file named on the command line could not be read, in words: an errno code alone (ENOENT, EISDIR) says
 * little to most of the people who meet it. Codes without words here are given as they are.
 */
export function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'a folder, not a file'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder'
    case undefined:
      return err instanceof Error ? err.message : 'unreadable'
    default:
      return code
  }
}
