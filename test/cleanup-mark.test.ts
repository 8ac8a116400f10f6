/**
 * core/cleanup.ts's marks: a fuzz range in a process that owns more (the run's own temp folder, serial
 * fuzzing) lists and ends only what was registered after its mark. Before, the range's check called
 * releaseAll, which reported the run's folder as "left behind" and removed it under the later ranges.
 */
import { describe, expect, it } from 'vitest'
import { liveSince, own, releaseSince, resourceMark } from '../core/cleanup.ts'

describe('cleanup marks', () => {
  it('liveSince and releaseSince see only what came after the mark, newest first', () => {
    const ended: string[] = []
    const before = own('before', () => ended.push('before'))
    const mark = resourceMark()
    own('a', () => ended.push('a'))
    const b = own('b', () => ended.push('b'))
    own('c', () => ended.push('c'))
    b.disown()
    expect(liveSince(mark)).toEqual(['a', 'c'])
    expect(releaseSince(mark)).toBe(2)
    expect(ended).toEqual(['c', 'a'])
    expect(liveSince(mark)).toEqual([])
    expect(liveSince(0)).toContain('before')
    before.release()
    expect(ended).toEqual(['c', 'a', 'before'])
  })
})
