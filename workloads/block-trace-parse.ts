import { closeSync, openSync, readSync } from 'node:fs'
import { ConfigError } from '../core/errors.ts'

/**
 * Block I/O traces as CSV. Two formats:
 *  - SNIA IOTTA / MSR Cambridge: `Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime`, one
 *    request a line, no header; Timestamp in Windows filetime (100 ns ticks since 1601), Type `Read` or
 *    `Write`, Offset and Size in bytes.
 *  - plain `offset,length` (bytes), every line a write, an optional header line.
 * Only writes are kept (they change the volume); reads count towards the volume's extent.
 */
export type TraceFormat = 'msr' | 'offset-length'

export interface BlockTrace {
  format: TraceFormat
  /** Lines that were requests (reads and writes). */
  requests: number
  /** Per kept write: seconds since the trace's first request (0 for offset,length), offset and size in bytes. */
  time: Float64Array
  offset: Float64Array
  size: Float64Array
  /** Number of writes kept. */
  writes: number
  /** Largest offset + size over every request. */
  extent: number
}

export interface ParseOptions {
  format: 'auto' | TraceFormat
  /** Keep only this disk (MSR DiskNumber); -1 keeps all. */
  disk: number
  /** Keep at most this many writes (0: all). */
  limit: number
}

/** Growable Float64Array columns: a real trace has millions of rows, and objects per row would cost 10× the memory. */
class Column {
  data = new Float64Array(1024)
  push(at: number, v: number): void {
    if (at === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[at] = v
  }
}

/** Calls onLine(text, lineNumber) for every line of a file, reading 1 MiB at a time (traces can exceed a string's limit). */
function forEachLine(path: string, onLine: (line: string, n: number) => boolean): void {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(1 << 20)
    let carry = ''
    let n = 0
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null)
      if (got === 0) break
      const text = carry + buf.toString('latin1', 0, got)
      const lines = text.split('\n')
      carry = lines.pop()!
      for (const l of lines) if (!onLine(l, ++n)) return
    }
    if (carry) onLine(carry, ++n)
  } finally {
    closeSync(fd)
  }
}

const INTEGER = /^\d+$/

/** Splits a filetime into whole seconds and ticks, so 18-digit timestamps keep their 100 ns precision in doubles. */
function filetime(text: string): [number, number] {
  return text.length > 7 ? [Number(text.slice(0, -7)), Number(text.slice(-7))] : [0, Number(text)]
}

export function parseBlockTrace(path: string, o: ParseOptions): BlockTrace {
  const where = `block-trace: ${path}`
  const time = new Column()
  const offset = new Column()
  const size = new Column()
  let format: TraceFormat | undefined = o.format === 'auto' ? undefined : o.format
  let requests = 0
  let writes = 0
  let extent = 0
  let t0: [number, number] | undefined
  let sawData = false
  forEachLine(path, (raw, n) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return true
    const f = line.split(',').map((x) => x.trim())
    if (!sawData && !INTEGER.test(f[0]!)) return true // a header line
    sawData = true
    if (!format) {
      if (f.length === 7) format = 'msr'
      else if (f.length === 2) format = 'offset-length'
      else throw new ConfigError(`${where} line ${n}: ${f.length} fields; expected 7 (MSR Cambridge: Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime) or 2 (offset,length)`)
    }
    const want = format === 'msr' ? 7 : 2
    if (f.length !== want) throw new ConfigError(`${where} line ${n}: ${f.length} fields; a ${format} trace has ${want}`)
    const [offText, sizeText] = format === 'msr' ? [f[4]!, f[5]!] : [f[0]!, f[1]!]
    if (!INTEGER.test(offText) || !INTEGER.test(sizeText)) throw new ConfigError(`${where} line ${n}: offset "${offText}" and size "${sizeText}" must be whole numbers of bytes`)
    const off = Number(offText)
    const len = Number(sizeText)
    if (!Number.isSafeInteger(off + len)) throw new ConfigError(`${where} line ${n}: offset + size is beyond 2^53 bytes`)
    let isWrite = true
    let t = 0
    if (format === 'msr') {
      if (!INTEGER.test(f[0]!)) throw new ConfigError(`${where} line ${n}: timestamp "${f[0]}" is not a whole number (Windows filetime)`)
      const type = f[3]!.toLowerCase()
      if (type !== 'read' && type !== 'write') throw new ConfigError(`${where} line ${n}: type "${f[3]}" is neither Read nor Write`)
      if (o.disk >= 0 && Number(f[2]) !== o.disk) return true
      isWrite = type === 'write'
      const ft = filetime(f[0]!)
      t0 ??= ft
      t = ft[0] - t0[0] + (ft[1] - t0[1]) / 1e7
    }
    requests++
    extent = Math.max(extent, off + len)
    if (!isWrite || len === 0) return true
    time.push(writes, t)
    offset.push(writes, off)
    size.push(writes, len)
    writes++
    return o.limit <= 0 || writes < o.limit
  })
  if (!format || requests === 0) throw new ConfigError(`${where}: no requests found (an empty file, or only a header)`)
  return { format, requests, time: time.data, offset: offset.data, size: size.data, writes, extent }
}
