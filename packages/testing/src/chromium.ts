import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/**
 * Flags for Debian's Chromium on these machines: no sandbox (root), no GPU, and none of the background
 * connections a closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Where the browser is: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

/**
 * Launches Chromium through playwright-core, or fails with the way to install it: a browser test must
 * never skip silently.
 *
 * @example
 * const browser = await launchChromium()
 * const context = await browser.newContext()
 */
export async function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumPath()
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Browser tests need it: run \`apt-get install -y chromium\` ` +
        '(or point CHROMIUM_PATH at a Chromium binary).',
    )
  }
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] })
}
