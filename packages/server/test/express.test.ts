import { describe, expect, it } from 'vitest'
import { expressAdapter } from './conformance/apps'
import { describeAdapterConformance } from './conformance/index'

// Express (through depd) emits a 'deprecation' event instead of printing when someone listens; the
// adapter must not use anything either major deprecates (Express 4's `req.host` did).
const deprecations: string[] = []
process.on('deprecation', (error: Error) => deprecations.push(error.message))

describeAdapterConformance(expressAdapter)

describe(`express ${process.env.CURFEW_EXPRESS_MAJOR ?? '5'}`, () => {
  it('triggers no Express deprecation warning anywhere in the conformance suite', () => {
    expect(deprecations).toEqual([])
  })
})
