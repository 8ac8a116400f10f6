import { vi } from 'vitest'

/** Runs the CLI's main(argv) in-process with stdout and stderr captured; returns its exit code and output. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(String(chunk))
    return true
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(capture(out))
  vi.spyOn(process.stderr, 'write').mockImplementation(capture(err))
  try {
    const { main } = await import('../apps/cli.ts')
    const code = await main(args)
    return { code, out: out.join(''), err: err.join('') }
  } finally {
    vi.restoreAllMocks()
  }
}
