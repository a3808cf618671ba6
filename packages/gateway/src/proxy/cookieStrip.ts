/**
 * Removes the session cookie from a `Cookie` header before it reaches an upstream: the upstream gets
 * the identity headers instead and never holds the bearer secret. Returns `undefined` when nothing is left.
 */
export function withoutCookies(header: string | undefined, names: ReadonlySet<string>): string | undefined {
  if (header === undefined) return undefined
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => {
      const eq = part.indexOf('=')
      return part !== '' && !names.has((eq < 0 ? part : part.slice(0, eq)).trim())
    })
  return kept.length === 0 ? undefined : kept.join('; ')
}
