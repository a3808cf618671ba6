// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { App } from './App'
import { createFakeClient, warning } from './fakeClient'

describe('server rendering', () => {
  it('renders status "unknown" without touching window, whatever the client holds', () => {
    expect(typeof window).toBe('undefined')
    const client = createFakeClient()
    client.set(warning(30))
    const html = renderToString(<App client={client} />)
    expect(html).toContain('status:<!-- -->unknown')
    expect(html).toContain('seconds:<!-- -->none')
    expect(html).not.toContain('alertdialog')
    expect(client.started).toBe(0)
  })

  it('renders with the options form, creating the real client without starting it or calling fetch', () => {
    let requests = 0
    const fetch = (async () => {
      requests++
      return new Response('{}')
    }) as typeof globalThis.fetch
    const html = renderToString(<App options={{ fetch }} />)
    expect(html).toContain('status:<!-- -->unknown')
    expect(requests).toBe(0)
  })
})
