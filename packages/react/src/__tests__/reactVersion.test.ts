import { version } from 'react'
import { version as domVersion } from 'react-dom'
import { version as serverVersion } from 'react-dom/server'
import { describe, expect, it } from 'vitest'

describe('test matrix', () => {
  it('runs against the React major this configuration names, for react and every react-dom entry', () => {
    const major = process.env.CURFEW_REACT_MAJOR
    expect(major).toMatch(/^1[89]$/)
    for (const v of [version, domVersion, serverVersion]) expect(v.split('.')[0]).toBe(major)
  })
})
