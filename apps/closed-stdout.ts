/**
 * A reader that stops reading: `deltabench run … | head -3`. Node ignores SIGPIPE, so the next write to
 * stdout fails with EPIPE, an 'error' event that, unhandled, kills the process with a stack trace in the
 * middle of a run. Instead stdout is muted: the command finishes its work (a run writes all its rows and
 * its manifest, so nothing is lost) and exits with the code it would have had, 0 when all went well.
 */
let installed = false

/** Installs the EPIPE handler once per process; other stdout errors still surface. */
export function muteStdoutWhenClosed(): void {
  if (installed) return
  installed = true
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    // Later writes go nowhere: the reader has gone and nobody is left to see them.
    process.stdout.write = (() => true) as typeof process.stdout.write
  })
}
