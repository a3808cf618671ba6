import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { binary, type ProxyProcess, spawnProcess, tempDir, waitForPorts } from './processes'
import { freePort } from './upstreamApps'

/** The snippets the docs tell users to include: the test uses the very same files. */
export const NGINX_SNIPPETS = resolve(fileURLToPath(import.meta.url), '../../../../snippets/nginx')

/** One site nginx serves: its own port, Curfew forward auth in front of `upstream`. */
export interface NginxSite {
  upstream: string
  /** `false`: plain `proxy_pass` without Curfew (the bench's anchor). Default `true`. */
  curfew?: boolean
}

export interface NginxProcess extends ProxyProcess {
  /** `http://127.0.0.1:<port>` of each site, in order. */
  origins: string[]
}

function siteBlock(port: number, site: NginxSite): string {
  if (site.curfew === false) {
    return `server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${site.upstream}; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`
  }
  return `server {
    listen 127.0.0.1:${port};
    include ${NGINX_SNIPPETS}/curfew-server.conf;
    location / {
      include ${NGINX_SNIPPETS}/curfew-location.conf;
      proxy_pass ${site.upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`
}

/**
 * Starts Debian's nginx (`daemon off`, everything in a temp dir: pid, logs, temp paths) with one server
 * per site on ephemeral loopback ports, asking the gateway at `gateway` through `auth_request`.
 */
export async function startNginx(options: {
  gateway: string
  sites: NginxSite[]
  workers?: number
}): Promise<NginxProcess> {
  const dir = await tempDir('curfew-nginx-')
  const ports = await Promise.all(options.sites.map(() => freePort()))
  const gateway = new URL(options.gateway)
  const conf = `
worker_processes ${options.workers ?? 1};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream curfew { server ${gateway.host}; keepalive 32; }
  ${options.sites.map((site, i) => siteBlock(ports[i]!, site)).join('\n  ')}
}
`
  const file = join(dir, 'nginx.conf')
  await writeFile(file, conf)
  const proc = spawnProcess({
    command: binary('nginx'),
    args: ['-p', dir, '-c', file, '-e', `${dir}/error.log`],
    dir,
  })
  await waitForPorts(proc.child, ports, proc.output)
  return { dir, origins: ports.map((p) => `http://127.0.0.1:${p}`), output: proc.output, stop: proc.stop }
}
