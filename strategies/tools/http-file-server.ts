/**
 * A tiny HTTP/1.1 file server on 127.0.0.1 over a folder the sender half made (the new version, a
 * .zsync control file, a casync index and chunk store): GET and HEAD, with single and multiple byte
 * ranges (multipart/byteranges, which zsync asks for). It is reached only through the metered relay
 * (http-relay.ts), so every byte it reads and writes, headers included, is counted by the channel.
 * It records what it served, so a strategy can report how many chunks its client fetched.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { resolve, sep } from 'node:path'
import { own, type Owned } from '../../core/cleanup.ts'
import { ToolError } from '../../core/errors.ts'

/** Fixed, so the same requests give the same response bytes on every run. */
const BOUNDARY = 'deltabench-byteranges'
/** Most ranges one request may ask for (zsync asks for at most a few dozen). */
const MAX_RANGES = 4096

export interface Served {
  readonly path: string
  readonly status: number
  /** Body bytes sent (the file's bytes in the ranges, without multipart headers). */
  readonly bytes: number
}

export class HttpFileServer {
  /** Every request answered, in order. */
  readonly served: Served[] = []
  private readonly sockets = new Set<Socket>()
  private pending = 0
  private owned: Owned | undefined

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    this.owned = own(`http file server 127.0.0.1:${port}`, () => this.stop())
  }

  /** Starts a server over `root` on an ephemeral port of 127.0.0.1. */
  static async start(who: string, root: string): Promise<HttpFileServer> {
    const top = resolve(root)
    let self: HttpFileServer | undefined
    const server = createServer((req, res) => self!.answer(top, req, res))
    // No idle or request time-outs: the relay decides when a connection ends, not a clock.
    server.keepAliveTimeout = 0
    server.requestTimeout = 0
    server.headersTimeout = 0
    server.on('connection', (s: Socket) => self!.sockets.add(s))
    await new Promise<void>((ok, fail) => {
      server.once('error', (err) => fail(new ToolError(`${who}: HTTP server: ${err.message}`)))
      server.listen(0, '127.0.0.1', ok)
    })
    self = new HttpFileServer(server, (server.address() as AddressInfo).port)
    return self
  }

  /** Bytes the server's sockets have read and written so far (for the relay's quiet test). */
  get bytesRead(): number {
    let n = 0
    for (const s of this.sockets) n += s.bytesRead
    return n
  }

  get bytesWritten(): number {
    let n = 0
    for (const s of this.sockets) n += s.bytesWritten
    return n
  }

  /** True when every request it has seen is fully answered. */
  get idle(): boolean {
    return this.pending === 0
  }

  close(): void {
    this.owned?.release()
    this.owned = undefined
  }

  private stop(): void {
    for (const s of this.sockets) s.destroy()
    this.server.close()
  }

  private answer(top: string, req: IncomingMessage, res: ServerResponse): void {
    this.pending++
    res.once('close', () => this.pending--)
    res.sendDate = false // a Date header's value depends on the clock: leave it out so the bytes repeat exactly
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!)
    const file = resolve(top, `.${path}`)
    let size = -1
    try {
      if (file.startsWith(top + sep)) {
        const st = statSync(file)
        if (st.isFile()) size = st.size
      }
    } catch {
      // missing: 404 below
    }
    const status = req.method !== 'GET' && req.method !== 'HEAD' ? 405 : size < 0 ? 404 : 200
    if (status !== 200) return this.reply(res, path, status, {}, [])
    const ranges = req.headers.range === undefined ? undefined : parseRanges(req.headers.range, size)
    if (ranges === null) return this.reply(res, path, 416, { 'Content-Range': `bytes */${size}` }, [])
    const head = req.method === 'HEAD'
    const parts = rangeBody(file, size, ranges ?? [[0, size - 1]], ranges !== undefined && ranges.length > 1, head)
    const headers: Record<string, string | number> = { 'Accept-Ranges': 'bytes', 'Content-Type': ranges && ranges.length > 1 ? `multipart/byteranges; boundary=${BOUNDARY}` : 'application/octet-stream' }
    if (ranges?.length === 1) headers['Content-Range'] = `bytes ${ranges[0]![0]}-${ranges[0]![1]}/${size}`
    headers['Content-Length'] = parts.length
    this.reply(res, path, ranges ? 206 : 200, headers, head ? [] : parts.chunks, parts.fileBytes)
  }

  private reply(res: ServerResponse, path: string, status: number, headers: Record<string, string | number>, body: Uint8Array[], fileBytes = 0): void {
    this.served.push({ path, status, bytes: fileBytes })
    if (!('Content-Length' in headers)) headers['Content-Length'] = 0
    res.writeHead(status, headers)
    for (const c of body) res.write(c)
    res.end()
  }
}

/**
 * A Range header's ranges as inclusive [first, last] pairs clamped to the file, or null when none is
 * satisfiable or the header is malformed (416). Forms: a-b, a-, -n (the last n bytes).
 */
export function parseRanges(header: string, size: number): [number, number][] | null {
  const m = /^bytes=(.+)$/.exec(header.trim())
  if (!m) return null
  const out: [number, number][] = []
  for (const spec of m[1]!.split(',')) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(spec)
    if (!r || (r[1] === '' && r[2] === '')) return null
    let first: number
    let last: number
    if (r[1] === '') {
      first = Math.max(0, size - Number(r[2]))
      last = size - 1
    } else {
      first = Number(r[1])
      last = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)
    }
    if (first > last || first >= size) continue
    out.push([first, last])
    if (out.length > MAX_RANGES) return null
  }
  return out.length > 0 ? out : null
}

/** The body for the ranges (multipart when asked for several), read from the file. */
function rangeBody(file: string, size: number, ranges: [number, number][], multipart: boolean, headOnly: boolean): { chunks: Uint8Array[]; length: number; fileBytes: number } {
  const chunks: Uint8Array[] = []
  let length = 0
  let fileBytes = 0
  const push = (b: Uint8Array) => {
    chunks.push(b)
    length += b.length
  }
  const fd = openSync(file, 'r')
  try {
    for (const [first, last] of ranges) {
      if (multipart) push(Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${first}-${last}/${size}\r\n\r\n`))
      const n = last - first + 1
      fileBytes += n
      if (headOnly) {
        length += n
        continue
      }
      const b = Buffer.allocUnsafe(n)
      for (let got = 0; got < n; ) {
        const k = readSync(fd, b, got, n - got, first + got)
        if (k === 0) throw new Error(`${file}: ended early`)
        got += k
      }
      push(b)
    }
  } finally {
    closeSync(fd)
  }
  if (multipart) push(Buffer.from(`\r\n--${BOUNDARY}--\r\n`))
  return { chunks, length, fileBytes }
}
