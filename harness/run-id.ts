/**
 * A run id is a name, never a path: it becomes the folder results/<run-id>, so `..`, `''`, `a/b` or
 * `../../etc/x` would write elsewhere. The rule: 1 to 100 characters, letters, digits, `.`, `_` and `-`,
 * starting with a letter or digit (so never `.`, `..`, a hidden name, or something that reads as a flag).
 */
import { ConfigError } from '../core/errors.ts'

export const RUN_ID_MAX = 100
const RUN_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${RUN_ID_MAX - 1}}$`)

export const RUN_ID_RULE = `1 to ${RUN_ID_MAX} letters, digits, '.', '_' or '-', starting with a letter or digit`

/** The id, when it is a valid run id; else a ConfigError naming the rule and a fix. */
export function checkRunId(id: string, flag = '--run-id'): string {
  if (RUN_ID.test(id)) return id
  const suggestion = id.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, RUN_ID_MAX)
  const fix = `, e.g. ${flag} ${suggestion || 'my-run'}`
  throw new ConfigError(`${flag} ${JSON.stringify(id)}: a run id is a name, not a path: ${RUN_ID_RULE}${fix}; to write somewhere else, use --out <dir>`)
}
