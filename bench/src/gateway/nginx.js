// Debian's nginx for the bench: `daemon off`, everything in a temp dir, the Curfew snippets the docs
// ship, one server per site on an ephemeral loopback port.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SNIPPETS = fileURLToPath(new URL('../../../packages/gateway/snippets/nginx', import.meta.url))

async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

const canConnect = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

export function nginxBinary() {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? null
}

/**
 * sites: [{ upstream: 'http://…', curfew: boolean }]; gateway: 'http://127.0.0.1:port'. Every site
 * proxies to one keepalive `app` upstream (the first site's), so the variants differ only in auth.
 */
export async function startNginx({ gateway, sites }) {
  const dir = await mkdtemp(join(tmpdir(), 'curfew-bench-nginx-'))
  const ports = await Promise.all(sites.map(() => freePort()))
  const site = (port, { curfew }) => `server {
    listen 127.0.0.1:${port};
    ${curfew ? `include ${SNIPPETS}/curfew-server.conf;` : ''}
    location / {
      ${curfew ? `include ${SNIPPETS}/curfew-location.conf;` : ''}
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`
  const upstream = new URL(sites[0].upstream).host
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream curfew { server ${new URL(gateway).host}; keepalive 64; }
  upstream app { server ${upstream}; keepalive 64; }
  ${sites.map((s, i) => site(ports[i], s)).join('\n  ')}
}
`
  const file = join(dir, 'nginx.conf')
  await writeFile(file, conf)
  const child = spawn(nginxBinary(), ['-p', dir, '-c', file, '-e', `${dir}/error.log`], { stdio: 'ignore' })
  for (let i = 0; i < 200; i++) {
    if ((await Promise.all(ports.map(canConnect))).every(Boolean)) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    origins: ports.map((p) => `http://127.0.0.1:${p}`),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}
