/**
 * Drops the characters Node's HTTP parser refuses in a header value (C0 controls but tab, and DEL), so
 * a generated value reaches the adapter instead of being answered by Node itself.
 */
export function headerSafe(value: string): string {
  let out = ''
  for (const char of value) {
    const code = char.charCodeAt(0)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) continue
    out += char
  }
  return out
}
