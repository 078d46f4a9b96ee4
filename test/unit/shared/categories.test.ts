import { describe, expect, it } from 'vitest'

import {
  Categories,
  categoryFolder,
  categoryOf,
  defaultCategories,
  fileNameOfUrl,
  parseExtensions,
  type Categories as CategoriesT,
} from '../../../shared/categories.ts'

const withDirs: CategoriesT = {
  ...defaultCategories,
  video: { ...defaultCategories.video, dir: '/data/video' },
  archives: { ...defaultCategories.archives, dir: '/data/archives' },
  other: { extensions: [], dir: '/data/other' },
}

describe('categories: where a download goes by its type', () => {
  it('the defaults are valid settings', () => {
    expect(Categories.parse(defaultCategories)).toEqual(defaultCategories)
  })

  it('reads the file name from the URL path, decoded, without query or fragment', () => {
    expect(fileNameOfUrl('https://h.test/a/b/Movie%20One.MKV?x=1#y')).toBe('Movie One.MKV')
    expect(fileNameOfUrl('https://h.test/')).toBe('')
    expect(fileNameOfUrl('https://h.test/dir/')).toBe('')
    expect(fileNameOfUrl('https://h.test/bad%E0%A4%A.zip')).toBe('bad%E0%A4%A.zip')
    expect(fileNameOfUrl('not a url')).toBe('')
  })

  it('matches extensions without regard to case, the longest one winning', () => {
    expect(categoryOf('film.MP4', defaultCategories)).toBe('video')
    expect(categoryOf('song.flac', defaultCategories)).toBe('audio')
    expect(categoryOf('report.pdf', defaultCategories)).toBe('documents')
    expect(categoryOf('setup.exe', defaultCategories)).toBe('programs')
    expect(categoryOf('src.tar.gz', defaultCategories)).toBe('archives')
    // tar.gz is longer than a gz listed elsewhere, so it decides.
    const moved: CategoriesT = {
      ...defaultCategories,
      archives: { extensions: ['tar.gz'], dir: null },
      documents: { extensions: ['gz'], dir: null },
    }
    expect(categoryOf('src.tar.gz', moved)).toBe('archives')
    expect(categoryOf('log.gz', moved)).toBe('documents')
  })

  it('a name with no listed extension, no extension, or only an extension is Other', () => {
    expect(categoryOf('data.bin', defaultCategories)).toBe('other')
    expect(categoryOf('README', defaultCategories)).toBe('other')
    expect(categoryOf('.mp4', defaultCategories)).toBe('other')
    expect(categoryOf('mp4', defaultCategories)).toBe('other')
    expect(categoryOf('', defaultCategories)).toBe('other')
  })

  it("gives the category's folder, or null for the download folder", () => {
    expect(categoryFolder('https://h.test/x/film.webm', withDirs)).toBe('/data/video')
    expect(categoryFolder('https://h.test/x/src.tar.xz', withDirs)).toBe('/data/archives')
    expect(categoryFolder('https://h.test/x/song.mp3', withDirs)).toBeNull()
    expect(categoryFolder('https://h.test/x/blob', withDirs)).toBe('/data/other')
    expect(categoryFolder('https://h.test/x/film.webm', defaultCategories)).toBeNull()
  })

  it('parses extensions as typed, or says what is wrong', () => {
    expect(parseExtensions('mp4, .MKV  *.webm;mp4', 'video', defaultCategories)).toEqual({
      ok: true,
      extensions: ['mp4', 'mkv', 'webm'],
    })
    expect(parseExtensions('', 'video', defaultCategories)).toEqual({ ok: true, extensions: [] })
    expect(parseExtensions('mp4 m/p4', 'video', defaultCategories)).toEqual({
      ok: false,
      reason: '"m/p4" is not an extension: use letters and digits, like mp4 or tar.gz',
    })
    expect(parseExtensions('tar..gz', 'archives', defaultCategories)).toMatchObject({ ok: false })
    expect(parseExtensions('mkv pdf', 'video', defaultCategories)).toEqual({
      ok: false,
      reason: 'pdf is already in Documents',
    })
    const many = Array.from({ length: 101 }, (_, i) => `e${i}`).join(' ')
    expect(parseExtensions(many, 'video', defaultCategories)).toEqual({ ok: false, reason: 'at most 100 extensions' })
  })
})
