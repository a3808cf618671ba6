import { expect, it } from 'vitest'
import { launchBrowser } from './harness'

it('fails, saying how to install Chromium, when the browser is missing (never skips)', async () => {
  await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(/apt-get install -y chromium/)
})
