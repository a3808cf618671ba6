import { describe, expect, it } from 'vitest'
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../duration'
import { CurfewError } from '../errors'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    ['1.25h', 4_500_000],
    ['0s', 0],
    [500, 500],
    [0, 0],
  ] as const)('parses %j to %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([
    '15 minutes',
    '15min',
    '',
    ' 15m',
    '15m ',
    '1e999h',
    '1e3ms',
    '-5m',
    'm',
    '15',
    '0.5ms',
    '99999999d',
    'Infinityh',
  ])('rejects the string %j with invalid_duration', (input) => {
    expect(() => parseDuration(input)).toThrow(CurfewError)
    try {
      parseDuration(input)
    } catch (error) {
      expect((error as CurfewError).code).toBe('invalid_duration')
      expect((error as CurfewError).message).toContain("'15m'")
    }
  })

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5, MAX_DURATION_MS + 1])(
    'rejects the number %d',
    (input) => {
      expect(() => parseDuration(input)).toThrow(expect.objectContaining({ code: 'invalid_duration' }))
    },
  )

  it('shows the input in the message: strings quoted and cut at 40 characters, anything else as text', () => {
    expect(() => parseDuration(`${'x'.repeat(40)}yz`)).toThrow(
      `Invalid duration "${'x'.repeat(40)}": use a positive`,
    )
    expect(() => parseDuration(-1)).toThrow(/^Invalid duration -1: use a positive number of milliseconds/)
    expect(() => parseDuration(true as never)).toThrow(/^Invalid duration true: /)
    // A value String() cannot show (no prototype) is named by its type.
    expect(() => parseDuration(Object.create(null))).toThrow(/^Invalid duration object: /)
  })

  it.each([null, undefined, {}, [], true, Symbol('x')])('rejects the non-duration %s', (input) => {
    expect(() => parseDuration(input as never)).toThrow(expect.objectContaining({ code: 'invalid_duration' }))
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [90_000, '90s'],
    [900_000, '15m'],
    [43_200_000, '12h'],
    [86_400_000, '1d'],
    [1_500, '1500ms'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
    expect(parseDuration(formatDuration(ms))).toBe(ms)
  })

  it('accepts exactly the maximum duration and refuses one millisecond more', () => {
    expect(parseDuration(MAX_DURATION_MS)).toBe(MAX_DURATION_MS)
    expect(() => parseDuration(MAX_DURATION_MS + 1)).toThrow(CurfewError)
    expect(parseDuration('3650d')).toBe(MAX_DURATION_MS)
    expect(() => parseDuration('3651d')).toThrow(CurfewError)
  })

  it('rejects negative and fractional values', () => {
    expect(() => formatDuration(-1)).toThrow(expect.objectContaining({ code: 'invalid_duration' }))
    expect(() => formatDuration(0.5)).toThrow(expect.objectContaining({ code: 'invalid_duration' }))
  })
})
