/**
 * Checks a `rd` (return-to) address before redirecting to it, so sign-in cannot be used as an open
 * redirect: a path on this host, or an absolute http(s) URL on this host, the public URL's host, or
 * within the shared cookie domain. Anything else becomes `/`.
 */
export function safeReturnTo(
  value: unknown,
  allowed: { host: string; publicUrl?: string | undefined; cookieDomain?: string | undefined },
): string {
  if (typeof value !== 'string' || value === '' || value.length > 4096) return '/'
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) return value
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return '/'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '/'
  const host = url.host.toLowerCase()
  if (host === allowed.host.toLowerCase()) return url.href
  if (allowed.publicUrl && host === new URL(allowed.publicUrl).host.toLowerCase()) return url.href
  const domain = allowed.cookieDomain?.replace(/^\./, '').toLowerCase()
  if (domain && (url.hostname === domain || url.hostname.endsWith(`.${domain}`))) return url.href
  return '/'
}
