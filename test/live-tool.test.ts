/**
 * The stall of the real rsync strategy under load (issue 17): a step of a live tool returned while
 * megabytes of the tool's input were still queued in this process, because a fast reader drains its pipe
 * and sleeps until the pipe is refilled, so it looked asleep and silent at every poll. Enough such empty
 * steps and the harness called the sync stalled. A step now waits while its input still moves.
 */
import { describe, expect, it } from 'vitest'
import { LiveTool } from '../strategies/tools/live-tool.ts'

const MiB = 1 << 20

/** Sends `total` bytes in frames of 1 MiB, as the rsync relay does. */
function sendAll(tool: LiveTool, total: number): void {
  const frame = new Uint8Array(MiB).fill(0x61)
  for (let sent = 0; sent < total; sent += MiB) tool.send(frame.subarray(0, Math.min(MiB, total - sent)))
}

describe('LiveTool.settle', () => {
  it('returns only once the tool has taken all its input and answered it', async () => {
    const total = 64 * MiB
    // Reads everything it is sent, says "done", then keeps reading (so only settling, not its exit, ends the step).
    const tool = new LiveTool(['sh', '-c', `head -c ${total} >/dev/null && echo done; exec cat >/dev/null`], ['pipe', 'pipe', 'pipe'], 0, 1)
    try {
      sendAll(tool, total)
      // The old settle returned after two 1 ms polls here, with most of the 64 MiB still queued and no answer.
      await tool.settle(true)
      expect(tool.delivered).toBe(total)
      expect(Buffer.concat(tool.take()).toString()).toBe('done\n')
      expect(tool.exited).toBeUndefined()
    } finally {
      tool.kill()
      await tool.exit
    }
  }, 30_000)

  it('still returns when the tool stops taking input (blocked elsewhere): the stall limit then decides', async () => {
    const tool = new LiveTool(['sh', '-c', 'sleep 30'], ['pipe', 'pipe', 'pipe'], 0, 1)
    try {
      sendAll(tool, 8 * MiB)
      // Waiting for input that is never taken would hang the step for its 10-minute limit (the test's time-out fails first).
      await tool.settle(true)
      expect(tool.delivered).toBeLessThan(8 * MiB)
      expect(tool.exited).toBeUndefined()
    } finally {
      tool.kill()
      await tool.exit
    }
  }, 10_000)

  it('ends the input after what is queued has gone', async () => {
    const total = 3 * MiB + 5
    const tool = new LiveTool(['wc', '-c'], ['pipe', 'pipe', 'pipe'], 0, 1)
    try {
      sendAll(tool, total)
      tool.endInput()
      const e = await tool.exit
      expect(e.code).toBe(0)
      expect(Buffer.concat(tool.take()).toString().trim()).toBe(String(total))
    } finally {
      tool.kill()
    }
  }, 30_000)
})
