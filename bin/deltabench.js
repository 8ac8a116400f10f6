#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx deltabench` never runs a stale build.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../apps/cli.ts')
process.exitCode = await main(process.argv.slice(2))
