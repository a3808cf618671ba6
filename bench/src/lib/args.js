// `pnpm bench --quick` passes `--quick` through; `--only=http,store` runs some sections.
const argv = process.argv.slice(2)

export const quick = argv.includes('--quick')

const only = argv.find((a) => a.startsWith('--only='))
/** Sections asked for (all when `--only` is absent). */
export const sections = only ? only.slice('--only='.length).split(',') : null

export function wanted(section) {
  return sections === null || sections.includes(section)
}
