import express from 'express'
import { describe, expect, it } from 'vitest'
import { expressAdapter } from './conformance/apps'
import { describeAdapterConformance } from './conformance/index'

// Express (through depd) emits a 'deprecation' event instead of printing when someone listens; the
// adapter must not use anything either major deprecates (Express 4's `req.host` did).
const deprecations: string[] = []
process.on('deprecation', (error: Error) => deprecations.push(error.message))

describeAdapterConformance(expressAdapter)

const major = process.env.CURFEW_EXPRESS_MAJOR ?? '5'

describe(`express ${major}`, () => {
  it('runs on the Express major it is named for (vitest.express4.config.ts swaps in Express 4)', () => {
    // Express 5 removed `express.query`; only Express 4 still has it.
    expect('query' in express ? '4' : '5').toBe(major)
  })

  it('triggers no Express deprecation warning anywhere in the conformance suite', () => {
    expect(deprecations).toEqual([])
  })
})
