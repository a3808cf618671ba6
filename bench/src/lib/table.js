// The one table `pnpm bench` prints (GitHub markdown, readable in a terminal too).
export function renderTable(rows) {
  const header = ['section', 'measurement', 'value', 'ratio', 'target', 'met']
  const lines = rows.map((r) => [
    r.section,
    r.name,
    r.value ?? '',
    r.ratio ?? '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)))
  const row = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n')
}
