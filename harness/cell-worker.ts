/**
 * A child process of the pool (child-pool.ts): runs the cells it is sent, one at a time. It ends with its
 * parent: on 'exit', on a lost IPC channel (the parent died) and on SIGINT/SIGTERM it ends what it owns
 * (core/cleanup.ts: its volume folder, tool process groups, temp folders) and exits.
 */
import type { FromWorker, ToWorker } from './child-pool.ts'
import { channelFor } from './channel-setup.ts'
import { PreparedCache, runPlannedCell, warmUp } from './run-matrix.ts'
import { FileStorage, MemoryStorage, type Storage } from '../core/storage.ts'
import { releaseAll } from '../core/cleanup.ts'

let state: { cache: PreparedCache; storage: Storage; runId: string; channel: ReturnType<typeof channelFor> } | undefined

const send = (m: FromWorker) => process.send!(m)

function end(code: number): never {
  state?.cache.clear()
  releaseAll() // the storage's folder among the rest
  process.exit(code)
}

process.on('SIGINT', () => end(130))
process.on('SIGTERM', () => end(143))
process.on('disconnect', () => end(0))

process.on('message', async (m: ToWorker | { type: 'exit' }) => {
  if (m.type === 'init') {
    const storage = m.config.storage === 'file' ? new FileStorage(m.workDir) : new MemoryStorage()
    if (m.warmup) await warmUp(m.config)
    state = { cache: new PreparedCache(m.config, storage), storage, runId: m.runId, channel: channelFor(m.config) }
    send({ type: 'ready' })
  } else if (m.type === 'cell') {
    try {
      send({ type: 'rows', id: m.id, rows: await runPlannedCell(m.cell, state!.cache, state!.runId, state!.channel) })
    } catch (err) {
      send({ type: 'error', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    }
  } else if (m.type === 'exit') {
    end(0)
  }
})
