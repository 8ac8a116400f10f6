/** The notebooks, one module each; `npm run notebooks -- <run-dir>` writes every one. */
import type { Analysis } from './analysis.ts'
import { chooseBlockSize } from './choose-block-size.ts'
import { compareStrategies } from './compare-strategies.ts'
import { trackingFaults } from './tracking-faults.ts'

export const ANALYSES: readonly Analysis[] = [compareStrategies, chooseBlockSize, trackingFaults]
