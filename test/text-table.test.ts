import { describe, expect, it } from 'vitest'
import { textTable } from '../core/text-table.ts'

describe('textTable', () => {
  it('makes each column as wide as its widest cell, numbers to the right, with a rule under the header', () => {
    const lines = textTable(
      [
        ['name', 'bytes', 'ok'],
        ['whole-file', '16', 'yes'],
        ['rsync', '1024', 'NO (1/2 wrong)'],
      ],
      { columns: [{}, { align: 'right' }], rule: true },
    )
    expect(lines).toEqual([
      'name        bytes  ok', //
      '──────────  ─────  ──────────────',
      'whole-file     16  yes',
      'rsync        1024  NO (1/2 wrong)',
    ])
  })

  it('never ends a line in spaces, unless the last column is right-aligned', () => {
    const left = textTable([['a', 'long cell'], ['bb', 'x']])
    expect(left).toEqual(['a   long cell', 'bb  x'])
    const right = textTable([['a', 'long cell'], ['bb', 'x']], { columns: [{}, { align: 'right' }] })
    expect(right).toEqual(['a   long cell', 'bb          x'])
  })

  it('keeps a minimum width, a gap and an indent, so one row printed alone lines up with the others', () => {
    const columns = [{ minWidth: 8 }, { align: 'right' as const, minWidth: 6 }, {}]
    expect(textTable([['a', '1', 'end']], { columns, gap: ' ', indent: '  ' })).toEqual(['  a             1 end'])
    expect(textTable([['a-longer-name', '123456789', 'end']], { columns, gap: ' ', indent: '  ' })).toEqual(['  a-longer-name 123456789 end'])
  })

  it('lays out rows of fewer cells, and nothing as no lines', () => {
    expect(textTable([['strategy', 'size', 'peak'], ['x', 'failed: why']])).toEqual(['strategy  size         peak', 'x         failed: why'])
    expect(textTable([], { rule: true })).toEqual([])
  })
})
