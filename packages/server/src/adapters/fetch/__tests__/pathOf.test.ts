import { describe, expect, it } from 'vitest'
import { pathOf } from '../request'

describe('pathOf', () => {
  it('is what the URL parser says, for serialised and hand-made URLs alike', () => {
    const urls = [
      'http://127.0.0.1:3000/api/me',
      'https://app.test/session/activity?x=1#y',
      'http://app.test',
      'http://app.test/',
      'http://user:pw@app.test:8080/a/b/c?q=/x',
      'http://app.test?q=/x',
      'http://app.test#/frag',
      'http://app.test/a/../b',
      'http://app.test/a/./b',
      'http://app.test/a/.',
      'http://app.test/a/..',
      'http://app.test/.hidden/file.txt',
      'http://app.test/a%2fb',
      'http://app.test/a b',
      'http://app.test/\u00e9t\u00e9',
      'http://app.test/a\\b',
      'HTTP://APP.TEST/Path',
      'not a url',
      'ftp://app.test/x',
    ]
    for (const url of urls) {
      let expected = ''
      try {
        expected = new URL(url).pathname
      } catch {
        expected = ''
      }
      expect(pathOf(url), url).toBe(expected)
    }
  })
})
