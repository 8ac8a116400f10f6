#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx deltabench` never runs a stale build.
import { register } from 'tsx/esm/api'

register()
await import('../apps/cli.ts')
