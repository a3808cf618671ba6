import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { binary, type ProxyProcess, spawnProcess, tempDir, waitForPorts } from './processes'
import { freePort } from './upstreamApps'

/** The snippet the docs tell users to import: the test uses the very same file. */
export const CADDY_SNIPPET = resolve(
  fileURLToPath(import.meta.url),
  '../../../../snippets/caddy/curfew.caddy',
)

export interface CaddyProcess extends ProxyProcess {
  origins: string[]
}

/**
 * Starts Debian's Caddy (`caddy run --adapter caddyfile`, admin off, HTTPS off, its data in a temp dir)
 * with one site per upstream on ephemeral loopback ports, asking the gateway through `forward_auth`.
 */
export async function startCaddy(options: { gateway: string; upstreams: string[] }): Promise<CaddyProcess> {
  const dir = await tempDir('curfew-caddy-')
  const ports = await Promise.all(options.upstreams.map(() => freePort()))
  const gateway = new URL(options.gateway).host
  const sites = options.upstreams.map(
    (upstream, i) => `http://127.0.0.1:${ports[i]} {
	import curfew_routes ${gateway}
	handle {
		import curfew_auth ${gateway}
		reverse_proxy ${new URL(upstream).host}
	}
}`,
  )
  const caddyfile = `{
	admin off
	auto_https off
}

import ${CADDY_SNIPPET}

${sites.join('\n\n')}
`
  const file = join(dir, 'Caddyfile')
  await writeFile(file, caddyfile)
  const proc = spawnProcess({
    command: binary('caddy'),
    args: ['run', '--config', file, '--adapter', 'caddyfile'],
    dir,
    env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  })
  await waitForPorts(proc.child, ports, proc.output)
  return { dir, origins: ports.map((p) => `http://127.0.0.1:${p}`), output: proc.output, stop: proc.stop }
}
