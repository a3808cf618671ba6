/**
 * True when `host` (`name[:port]`) names this machine: `localhost` (and `*.localhost`), `127.0.0.0/8`
 * or `[::1]`. Browsers treat these as secure contexts served over plain HTTP, which is why the cookie
 * drops `Secure` there.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false
  const lower = host.toLowerCase()
  let name: string
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']')
    if (end < 0) return false
    name = lower.slice(1, end)
    return name === '::1'
  }
  name = lower.replace(/:\d*$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}
