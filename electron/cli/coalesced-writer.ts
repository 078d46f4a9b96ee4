/**
 * Text written within one short window goes out in one write. A batch of a thousand small downloads prints two
 * lines for each file, and where stderr is a file or a pipe every `process.stderr.write` is a synchronous system
 * call of its own (and a trip through the stream machinery). The window's timer does not keep the process
 * alive; whoever owns the writer flushes it before the process exits and before asking anything on the
 * terminal, so no line is lost or printed after the question.
 */
export interface CoalescedWriter {
  write(text: string): void
  flush(): void
}

export function coalescedWriter(out: (text: string) => void, windowMs: number): CoalescedWriter {
  let pending = ''
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pending === '') return
    const text = pending
    pending = ''
    out(text)
  }
  return {
    write(text) {
      pending += text
      if (timer) return
      timer = setTimeout(flush, windowMs)
      timer.unref()
    },
    flush,
  }
}
