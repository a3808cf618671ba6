/** A compiled set of path patterns (`/api/poll`, `/static/**`, `admin.example.com/**`). */
export interface PathMatcher {
  matches(target: { host: string; path: string }): boolean
}

function compile(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') {
      source += '[^/]*'
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`, 'i')
}

/**
 * Compiles glob-like patterns: `*` stays within one path segment, `**` crosses segments. A pattern that
 * does not start with `/` starts with a host (`api.example.com/v1/**`) and matches `host + path`.
 *
 * @example
 * pathMatcher(['/api/poll', '/static/**']).matches({ host: 'app.test', path: '/static/a/b.js' }) // true
 */
export function pathMatcher(patterns: readonly string[]): PathMatcher {
  const withHost = patterns.filter((p) => !p.startsWith('/')).map(compile)
  const pathOnly = patterns.filter((p) => p.startsWith('/')).map(compile)
  return {
    matches({ host, path }) {
      if (pathOnly.some((re) => re.test(path))) return true
      if (withHost.length === 0) return false
      const hostname = host.replace(/:\d+$/, '').toLowerCase()
      return withHost.some((re) => re.test(`${hostname}${path}`))
    },
  }
}
