/**
 * The two halves of a real HTTP-fetching tool (zsync, casync): the sender publishes files in its folder
 * and serves them (http-file-server.ts); the receiver runs the tool's client, whose connections go
 * through the metered channel (http-relay.ts), and stages the file the client writes. Only what is
 * published and the client's command differ between tools.
 */
import { join } from 'node:path'
import { ToolError } from '../../core/errors.ts'
import type { Frame, Half, ReceiverContext } from '../../core/strategy.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import { fileIntoStage, startTool, toolHalf, type StartedTool, type ToolExit } from './child-tool.ts'
import { HttpFileServer, type Served } from './http-file-server.ts'
import { ClientRelay, ServerRelay } from './http-relay.ts'
import { settleTree } from './live-tool.ts'

/** The sender's one frame when the new version is empty, which zsync cannot describe: the receiver truncates. */
const TAG_EMPTY = 0x45 // 'E'

/**
 * The sender: `publish` fills its folder (runs zsyncmake, casync make) on the first step, or returns false
 * when the tool cannot publish this version (zsync and an empty file: EMPTY goes instead); then it serves
 * that folder to whatever the relay brings, until the client's side says DONE, and `report` sees what was
 * served (for telemetry).
 */
export function httpServerHalf(name: string, publish: (dir: string) => Promise<boolean>, report: (served: readonly Served[]) => void): Half {
  let relay: ServerRelay | undefined
  let http: HttpFileServer | undefined
  const stop = () => {
    relay?.close()
    http?.close()
  }
  return toolHalf(
    `${name}-send`,
    async (inbox, step) => {
      if (!relay) {
        if (!(await publish(step.dir))) {
          step.finish()
          return [{ bytes: Uint8Array.of(TAG_EMPTY), kind: 'control' }]
        }
        http = await HttpFileServer.start(name, step.dir)
        relay = new ServerRelay(name, http, 'literal')
      }
      for (const f of inbox) if (!relay.deliver(f)) throw unknownFrame(name, f)
      if (relay.finished) {
        // The client has exited: nothing more goes down (the receiver is done), the server can go.
        report(http!.served)
        stop()
        step.finish()
        return []
      }
      return relay.settle()
    },
    stop,
  )
}

/**
 * The receiver: starts the relay's listener and the client (argv from `command`, given its folder and
 * the listener's port), relays until the client exits, then stages the file it wrote to `out`.
 */
export function httpClientHalf(name: string, ctx: ReceiverContext, command: (dir: string, port: number) => string[]): Half {
  let relay: ClientRelay | undefined
  let tool: StartedTool | undefined
  let exited: ToolExit | undefined
  const stop = () => {
    tool?.kill()
    relay?.close()
  }
  return toolHalf(
    `${name}-recv`,
    async (inbox, step) => {
      if (!relay) {
        if (inbox.length === 1 && inbox[0]!.length === 1 && inbox[0]![0] === TAG_EMPTY) {
          ctx.staged.truncate(0)
          step.finish()
          return []
        }
        relay = await ClientRelay.start(name, 'control')
        tool = startTool(command(step.dir, relay.port), { stdio: ['ignore', 'ignore', 'pipe'], cwd: step.dir })
        tool.exit.then(
          (e) => (exited = e),
          (err: Error) => (exited = { code: null, signal: null, cpuMs: 0, stderr: err.message }),
        )
      }
      for (const f of inbox) if (!relay.deliver(f)) throw unknownFrame(name, f)
      const r = relay
      const t = tool!
      const what = t.child.spawnargs.slice(4).join(' ')
      await settleTree(what, t.child.pid, () => r.received, () => exited !== undefined, inbox.length > 0)
      if (exited === undefined) return r.take()
      const e = await t.exit
      if (e.code !== 0) throw new ToolError(`${name}: \`${what}\` failed (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
      ctx.telemetry.chargeChildCpu(e.cpuMs)
      // Requests the client sent just before it exited get no answer: only DONE goes up.
      r.take()
      fileIntoStage(join(step.dir, 'out'), ctx.staged, ctx.replica)
      stop()
      step.finish()
      return [ClientRelay.done()] as Frame[]
    },
    stop,
  )
}
