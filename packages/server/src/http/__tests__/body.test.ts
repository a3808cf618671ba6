import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { checkBody, declaredTooLarge, LimitedText } from '../body'
import { readNodeBody } from '../nodeBody'

describe('checkBody', () => {
  it('accepts no body, an empty body, JSON, and a body the app already parsed', () => {
    expect(checkBody({ ok: true, text: '' }, 1)).toBeNull()
    expect(checkBody({ ok: true, text: ' \n' }, 1)).toBeNull()
    expect(checkBody({ ok: true, text: '{"a":1}' }, 1)).toBeNull()
    expect(checkBody({ ok: true, consumed: true }, 1)).toBeNull()
  })

  it('answers 400 malformed_json and 413 body_too_large with typed bodies', () => {
    expect(checkBody({ ok: true, text: '{bad' }, 7)).toMatchObject({
      status: 400,
      body: { error: 'bad_request', reason: 'malformed_json', serverTime: 7 },
    })
    expect(checkBody({ ok: false, reason: 'body_too_large' }, 7)).toMatchObject({
      status: 413,
      body: { error: 'bad_request', reason: 'body_too_large' },
    })
  })
})

describe('body limits', () => {
  it('judges a declared Content-Length against the limit', () => {
    expect(declaredTooLarge(undefined, 10)).toBe(false)
    expect(declaredTooLarge('10', 10)).toBe(false)
    expect(declaredTooLarge('11', 10)).toBe(true)
    expect(declaredTooLarge('abc', 10)).toBe(true)
  })

  it('collects multi-byte text across chunk boundaries and stops past the limit', () => {
    const bytes = new TextEncoder().encode('{"é":1}')
    const text = new LimitedText(100)
    text.push(bytes.slice(0, 3))
    text.push(bytes.slice(3))
    expect(text.result()).toEqual({ ok: true, text: '{"é":1}' })
    const small = new LimitedText(2)
    expect(small.push(bytes)).toBe(false)
    expect(small.result()).toEqual({ ok: false, reason: 'body_too_large' })
  })

  it('reads a Node stream, and drains one that is too large instead of destroying it', async () => {
    expect(await readNodeBody(Readable.from([Buffer.from('{}')]), 10)).toEqual({ ok: true, text: '{}' })
    const big = Readable.from([Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)])
    expect(await readNodeBody(big, 10)).toEqual({ ok: false, reason: 'body_too_large' })
    if (!big.readableEnded) await new Promise((resolve) => big.once('end', resolve))
    expect(big.readableEnded).toBe(true)
    const declared = Object.assign(Readable.from([]), { headers: { 'content-length': '99' } })
    expect(await readNodeBody(declared, 10)).toEqual({ ok: false, reason: 'body_too_large' })
    const ended = Readable.from([])
    ended.resume()
    await new Promise((resolve) => ended.once('end', resolve))
    expect(await readNodeBody(ended, 10)).toEqual({ ok: true, consumed: true })
  })
  // Found by the reliability suite (packages/reliability, browser view): a tab closed mid-"Stay signed
  // in" left its request handler waiting forever for a body that would never come.
  it('settles for a stream destroyed before or while it is read (a client that went away)', async () => {
    const before = new Readable({ read() {} })
    before.destroy()
    expect(await readNodeBody(before, 10)).toEqual({ ok: true, text: '' })
    const during = new Readable({ read() {} })
    during.push('{"a"')
    const reading = readNodeBody(during, 10)
    during.destroy()
    expect(await reading).toEqual({ ok: true, text: '{"a"' })
  })
})
