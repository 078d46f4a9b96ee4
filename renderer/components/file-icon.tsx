export type FileKind = 'video' | 'audio' | 'archive' | 'document' | 'program' | 'other'

const EXTENSIONS: ReadonlyArray<[FileKind, string]> = [
  ['video', 'mp4 mkv avi mov webm m4v wmv flv mpg mpeg 3gp ogv'],
  ['audio', 'mp3 flac wav ogg oga opus m4a aac wma aiff alac'],
  ['archive', 'zip tar gz tgz bz2 tbz tbz2 xz txz zst zstd 7z rar lz lzma cab cpio'],
  ['document', 'pdf doc docx odt rtf txt md csv xls xlsx ods ppt pptx odp epub html htm json xml'],
  ['program', 'exe msi dmg pkg deb rpm appimage apk jar iso img vhd vhdx vmdk qcow2 ova wim'],
]
const KIND_OF = new Map(EXTENSIONS.flatMap(([kind, list]) => list.split(' ').map((ext) => [ext, kind] as const)))

/** The kind of file a name suggests, by its extension only (nothing is read). */
export function fileKind(name: string): FileKind {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || dot === name.length - 1) return 'other'
  return KIND_OF.get(name.slice(dot + 1).toLowerCase()) ?? 'other'
}

/** What each kind draws inside the page outline (16×16 box). */
const GLYPHS: Readonly<Record<FileKind, string>> = {
  video: 'M6 7.5v5l4.5-2.5z',
  audio: 'M9.5 6.5v4.3a1.6 1.6 0 1 1-1-1.5V7.5l-2 .6v3.7a1.6 1.6 0 1 1-1-1.5V7.3z',
  archive: 'M7 3h2v1.5H7zm0 2.5h2V7H7zm0 2.5h2v1.5H7zM6.5 10.5h3v2.5h-3z',
  document: 'M5 7h6v1H5zm0 2h6v1H5zm0 2h4v1H5z',
  program: 'M8 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zm0 2.3a.7.7 0 1 1 0 1.4.7.7 0 0 1 0-1.4z',
  other: '',
}

/** A small page with a mark for its kind; decorative, since the name beside it says the same. */
export function FileIcon({ name }: { name: string }) {
  const kind = fileKind(name)
  return (
    <svg className={`file-icon file-${kind}`} data-kind={kind} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor" strokeWidth="1" />
      <path d="M9.5 1.5v3h3" fill="none" stroke="currentColor" strokeWidth="1" />
      {GLYPHS[kind] !== '' && <path d={GLYPHS[kind]} fill="currentColor" />}
    </svg>
  )
}
