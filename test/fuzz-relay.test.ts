/**
 * The cause of casync's slow tampered fuzz cases (issue 17): junk after an HTTP request makes the file
 * server answer 400 and close the connection, the client's next request goes out on it before it sees
 * the close, and the relay used to wait for the server to read those bytes: 10 minutes (its answer limit).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HttpFileServer } from '../strategies/tools/http-file-server.ts'
import { ServerRelay, TAG_DATA, TAG_OPEN } from '../strategies/tools/http-relay.ts'
import { scratchDirs } from './scratch-dirs.ts'

const scratch = scratchDirs('deltabench-fuzz-relay-')
const data = (text: string) => Uint8Array.from([TAG_DATA, 0, ...Buffer.from(text, 'latin1')])
const request = 'GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'

describe('the HTTP relay with a connection the server closed', () => {
  it('settles once the server has answered what it read, instead of waiting for bytes it will never read', async () => {
    const dir = scratch()
    writeFileSync(join(dir, 'f'), 'hello')
    const http = await HttpFileServer.start('test', dir)
    const relay = new ServerRelay('test', http, 'literal')
    try {
      relay.deliver(Uint8Array.of(TAG_OPEN, 0))
      relay.deliver(data(request + '\x01\x02junk that is not a request\r\n\r\n'))
      const first = await relay.settle()
      expect(Buffer.concat(first.map((f) => f.bytes)).toString('latin1')).toMatch(/200 OK[\s\S]*hello/)
      // Give the server's 400 and close time to reach the relay, then the client's next request on the same connection.
      await new Promise((r) => setTimeout(r, 200))
      relay.deliver(data(request))
      const t0 = Date.now()
      await relay.settle()
      // The old relay waited out its 10-minute limit here; the test's own time-out (30 s) would fail it.
      expect(Date.now() - t0).toBeLessThan(30_000)
    } finally {
      relay.close()
      http.close()
    }
  }, 30_000)
})
