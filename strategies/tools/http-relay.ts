/**
 * An HTTP client on the receiver and a file server on the sender, joined through the metered channel:
 * the receiver half listens on 127.0.0.1 for its client (zsync, casync's HTTP helper), and every byte of
 * every TCP connection goes across as frames; the sender half replays them into its own sockets to the
 * HTTP server (http-file-server.ts) and sends back what the server answers. So the channel counts the
 * client's requests and the server's responses exactly as they cross a TCP connection, headers and all
 * (not TCP/IP's own headers).
 *
 * Frames: OPEN conn (up), DATA conn bytes (both ways), CLOSE conn (both ways: that end finished
 * sending), DONE (up: the client exited, the server can go).
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { own, type Owned } from '../../core/cleanup.ts'
import { ToolError } from '../../core/errors.ts'
import type { Frame, FrameKind } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'
import type { HttpFileServer } from './http-file-server.ts'

export const TAG_OPEN = 0x4f // 'O'
export const TAG_DATA = 0x44 // 'D'
export const TAG_CLOSE = 0x43 // 'C'
export const TAG_DONE = 0x58 // 'X'
/** Most connections a client may open in one sync. */
const MAX_CONNS = 1 << 16
const POLL_MS = 1
/** Event-loop turns the sender's end yields with setImmediate before it falls back to POLL_MS timers. */
const IMMEDIATE_TURNS = 64
/**
 * Polls with nothing changing after which the server counts as settled once a connection closed with bytes
 * of ours unread (see ServerRelay.settle).
 */
const CLOSED_QUIET_POLLS = 10
/** A server that takes longer than this to answer what it was sent fails the sync. */
const ANSWER_LIMIT_MS = 10 * 60_000

/**
 * What a relay end has to send. Bytes that arrive in a row on one connection make one DATA frame (up to
 * FRAME_PAYLOAD_LIMIT) however the socket happened to deliver them, so the frame count, and with it the
 * bytes counted, does not depend on how TCP split the stream.
 */
class Outbox {
  private events: { tag: number; conn: number; chunks: Uint8Array[]; size: number }[] = []
  /** Payload bytes queued so far (for the quiet tests). */
  received = 0

  constructor(private readonly kind: FrameKind) {}

  control(tag: number, conn?: number): void {
    this.events.push({ tag, conn: conn ?? -1, chunks: [], size: 0 })
  }

  data(conn: number, bytes: Uint8Array): void {
    this.received += bytes.length
    const last = this.events[this.events.length - 1]
    const e = last && last.tag === TAG_DATA && last.conn === conn ? last : { tag: TAG_DATA, conn, chunks: [], size: 0 }
    if (e !== last) this.events.push(e)
    e.chunks.push(new Uint8Array(bytes)) // a socket may reuse its buffer
    e.size += bytes.length
  }

  take(): Frame[] {
    const frames: Frame[] = []
    for (const e of this.events) {
      if (e.tag !== TAG_DATA) {
        const w = new FrameWriter(12).u8(e.tag)
        if (e.conn >= 0) w.varint(e.conn)
        frames.push({ bytes: w.finish(), kind: 'control' })
        continue
      }
      const all = e.chunks.length === 1 ? e.chunks[0]! : Buffer.concat(e.chunks)
      for (let at = 0; at < all.length; at += FRAME_PAYLOAD_LIMIT) frames.push(this.dataFrame(e.conn, all.subarray(at, Math.min(all.length, at + FRAME_PAYLOAD_LIMIT))))
    }
    this.events = []
    return frames
  }

  private dataFrame(conn: number, part: Uint8Array): Frame {
    const head = new FrameWriter(12).u8(TAG_DATA).varint(conn).finish()
    const frame = new Uint8Array(head.length + part.length)
    frame.set(head)
    frame.set(part, head.length)
    const split = this.kind === 'control' ? undefined : { control: head.length, [this.kind]: part.length }
    return { bytes: frame, kind: this.kind, split }
  }
}

/** One relay frame, decoded. */
type RelayFrame = { tag: number; conn: number; bytes?: Uint8Array }

function decode(who: string, frame: Uint8Array): RelayFrame {
  const r = new FrameReader(who, frame)
  const tag = r.u8()
  if (tag === TAG_DONE) {
    r.end()
    return { tag, conn: -1 }
  }
  if (tag !== TAG_OPEN && tag !== TAG_DATA && tag !== TAG_CLOSE) r.fail(`unknown relay tag 0x${tag.toString(16)}`)
  const conn = r.bounded('connection', MAX_CONNS)
  if (tag === TAG_DATA) return { tag, conn, bytes: r.bytes(r.remaining) }
  r.end()
  return { tag, conn }
}

/**
 * The receiver's end: a listener on 127.0.0.1 for the client. Each accepted connection gets an id; what
 * the client writes goes up as DATA (counted as `kind`, e.g. control for HTTP requests), what comes down
 * is written to it.
 */
export class ClientRelay {
  private readonly conns = new Map<number, Socket>()
  private readonly out: Outbox
  private owned: Owned | undefined

  private constructor(
    private readonly who: string,
    private readonly server: Server,
    readonly port: number,
    kind: FrameKind,
  ) {
    this.out = new Outbox(kind)
    this.owned = own(`${who} relay listener 127.0.0.1:${port}`, () => this.stop())
  }

  static async start(who: string, kind: FrameKind): Promise<ClientRelay> {
    let self: ClientRelay | undefined
    const pending: Socket[] = []
    const server = createServer({ noDelay: true }, (s) => (self ? self.accept(s) : pending.push(s)))
    await new Promise<void>((ok, fail) => {
      server.once('error', (err) => fail(new ToolError(`${who}: relay listener: ${err.message}`)))
      server.listen(0, '127.0.0.1', ok)
    })
    self = new ClientRelay(who, server, (server.address() as AddressInfo).port, kind)
    for (const s of pending) self.accept(s)
    return self
  }

  /** Bytes the client has sent so far, plus connections it opened (a new connection is news too: for the quiet test). */
  get received(): number {
    return this.out.received + this.conns.size
  }

  /** Passes a frame from the server's side to its connection; false for a frame that is not the relay's. */
  deliver(frame: Uint8Array): boolean {
    if (frame[0] !== TAG_DATA && frame[0] !== TAG_CLOSE) return false
    const f = decode(this.who, frame)
    const s = this.conns.get(f.conn)
    if (!s) throw new FrameReader(this.who, frame).fail(`connection ${f.conn} is not open`)
    if (f.tag === TAG_DATA) s.write(f.bytes!)
    else s.end()
    return true
  }

  /** The frames for the server: connections opened, data sent, connections the client ended. */
  take(): Frame[] {
    return this.out.take()
  }

  /** The DONE frame: the client is finished and the server may go. */
  static done(): Frame {
    return { bytes: Uint8Array.of(TAG_DONE), kind: 'control' }
  }

  close(): void {
    this.owned?.release()
    this.owned = undefined
  }

  private accept(s: Socket): void {
    const id = this.conns.size
    if (id >= MAX_CONNS) return void s.destroy()
    this.conns.set(id, s)
    this.out.control(TAG_OPEN, id)
    s.on('data', (d: Buffer) => this.out.data(id, new Uint8Array(d.buffer, d.byteOffset, d.length)))
    s.on('end', () => this.out.control(TAG_CLOSE, id))
    s.on('error', () => {
      // The client reset the connection (it exited): its exit status says whether that was a failure.
    })
  }

  private stop(): void {
    for (const s of this.conns.values()) s.destroy()
    this.server.close()
  }
}

/**
 * The sender's end: a socket to the HTTP server per connection the client opened. `settle` waits until
 * the server has read everything relayed to it, answered every request it read, and its answer has
 * arrived here; what arrived goes down as DATA (counted as `kind`).
 */
export class ServerRelay {
  private readonly conns = new Map<number, Socket>()
  private readonly out: Outbox
  private written = 0
  private read = 0
  /** Set when a connection to the server closed while the server had not read all we had written. */
  private abandoned = false
  /** Set once the client side said DONE. */
  finished = false

  constructor(
    private readonly who: string,
    private readonly http: HttpFileServer,
    kind: FrameKind,
  ) {
    this.out = new Outbox(kind)
  }

  /** Takes a frame from the client's side; false for a frame that is not the relay's. */
  deliver(frame: Uint8Array): boolean {
    if (frame[0] !== TAG_OPEN && frame[0] !== TAG_DATA && frame[0] !== TAG_CLOSE && frame[0] !== TAG_DONE) return false
    const f = decode(this.who, frame)
    if (f.tag === TAG_DONE) this.finished = true
    else if (f.tag === TAG_OPEN) this.open(f.conn)
    else {
      const s = this.conns.get(f.conn)
      if (!s) throw new FrameReader(this.who, frame).fail(`connection ${f.conn} is not open`)
      if (f.tag === TAG_CLOSE) s.end()
      else if (s.writable) {
        this.written += f.bytes!.length
        s.write(f.bytes!)
      }
      // else: the server closed this connection (a request it could not parse); bytes sent on it are lost, as on TCP
    }
    return true
  }

  /** Waits until the server has answered all it was sent (see the class comment); returns the answer's frames. */
  async settle(): Promise<Frame[]> {
    const t0 = Date.now()
    // Exact, so one true test is enough: the server parses a request in the same callback that reads its
    // bytes, so when it has read all we wrote and has no request open, every answer is written, and
    // when we have read all it wrote, the answers are here.
    const quiet = () => this.http.bytesRead === this.written && this.http.idle && this.read === this.http.bytesWritten
    // A server that closes a connection on a request it cannot parse (a tampered one: junk after a request
    // makes Node's parser answer 400 and destroy the socket) never reads the rest of what we wrote on it, so
    // the exact test above can never hold again: it used to wait out ANSWER_LIMIT_MS, 10 minutes a tampered
    // sync (issue 17's ~15 s casync cases were these, averaged in). Once that happened, the server has
    // settled when it has answered what it read and nothing moved over CLOSED_QUIET_POLLS polls.
    let still = 0
    let last = -1
    const settledAfterClose = () => {
      const now = this.http.bytesRead + this.http.bytesWritten + this.read
      still = now === last ? still + 1 : 0
      last = now
      return this.abandoned && this.http.idle && this.read === this.http.bytesWritten && still >= CLOSED_QUIET_POLLS
    }
    // The first turns yield with setImmediate (a loopback answer is usually one or two I/O turns away; a
    // 1 ms timer per turn made a chunk-per-request fetch timer-bound), then 1 ms timers, so a long answer is not a busy wait.
    for (let turn = 0; !quiet() && !(turn >= IMMEDIATE_TURNS && settledAfterClose()); turn++) {
      await new Promise((r) => (turn < IMMEDIATE_TURNS ? setImmediate(r) : setTimeout(r, POLL_MS)))
      if (Date.now() - t0 > ANSWER_LIMIT_MS) throw new ToolError(`${this.who}: the HTTP server did not answer within ${ANSWER_LIMIT_MS / 1000} s`)
    }
    return this.out.take()
  }

  close(): void {
    for (const s of this.conns.values()) s.destroy()
    this.conns.clear()
  }

  private open(id: number): void {
    if (this.conns.has(id)) throw new ToolError(`${this.who}: connection ${id} opened twice`)
    const s = connect({ host: '127.0.0.1', port: this.http.port, noDelay: true })
    this.conns.set(id, s)
    s.on('data', (d: Buffer) => {
      this.read += d.length
      this.out.data(id, new Uint8Array(d.buffer, d.byteOffset, d.length))
    })
    s.on('end', () => this.out.control(TAG_CLOSE, id))
    s.on('close', () => {
      if (this.http.bytesRead < this.written) this.abandoned = true
    })
    s.on('error', () => {
      // The server dropped the connection: the client sees it closed and fails if it needed more.
    })
  }
}
