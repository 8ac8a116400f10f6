/** The channel a cell syncs over: its compression stage and the link its time estimate assumes. */
import { FrameCodec, parseCompression } from './channel-codec.ts'
import { parseProfile, PROFILES, type CostModel, type NetworkProfile } from '../core/network-profile.ts'

export interface ChannelSetup {
  codec?: FrameCodec
  compression: string
  profile: NetworkProfile
  model: CostModel
}

export const DEFAULT_CHANNEL: ChannelSetup = { compression: 'none', profile: PROFILES.wan!, model: 'serial' }

/** The channel a run's config asks for. */
export function channelFor(config: { compression: string; profile: string; costModel: CostModel }): ChannelSetup {
  const spec = parseCompression(config.compression)
  const profile = parseProfile(config.profile)
  return { codec: spec.kind === 'none' ? undefined : new FrameCodec(spec, profile), compression: config.compression, profile, model: config.costModel }
}
