import { checkCompliance, complianceRules } from '@curfew/core'
import type { StatedPolicy } from '../policyFile'
import type { ReportStats } from './reportStats'
import type { AuditVerification } from './verifyLogs'

/** The charting library's code and style, inlined so the report needs no network. */
export interface ChartLibrary {
  script: string
  style: string
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

// JSON inside <script>: no "</script>" or "<!--" can end the element early.
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c')

const minutes = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`)

function policyRows(policies: readonly StatedPolicy[]): string {
  return policies
    .map((p) => {
      const clauses = checkCompliance(
        { idleTimeout: p.idleTimeout, absoluteTimeout: p.absoluteTimeout, name: p.name },
        complianceRules,
      )
        .map(
          (c) =>
            `<li class="${c.status}">${escapeHtml(c.status.toUpperCase())} — ${escapeHtml(c.clause)}</li>`,
        )
        .join('')
      return `<tr><td>${escapeHtml(p.name)}</td><td>${minutes(p.idleTimeout)}</td><td>${minutes(p.absoluteTimeout)}</td><td>${minutes(p.warnBefore)}</td><td><code>${escapeHtml(p.fingerprint)}</code></td><td><ul>${clauses}</ul></td></tr>`
    })
    .join('')
}

function verdictSection(result: AuditVerification): string {
  const rules = Object.entries(result.violationsByRule)
    .map(([rule, count]) => `<li><code>${escapeHtml(rule)}</code>: ${count}</li>`)
    .join('')
  const rows = result.violations
    .slice(0, 200)
    .map(
      (v) =>
        `<tr><td><code>${escapeHtml(v.rule)}</code></td><td>${escapeHtml(v.session ?? '')}</td><td>${escapeHtml(`${v.file}:${v.line}`)}</td><td>${escapeHtml(v.message)}</td></tr>`,
    )
    .join('')
  const chains = result.chains
    .map(
      (c) =>
        `<tr><td><code>${escapeHtml(c.id)}</code></td><td>${escapeHtml(c.service ?? '')}</td><td>${escapeHtml(c.file)}</td><td>${escapeHtml(c.alg)}</td><td>${c.firstSeq}–${c.lastSeq}</td><td>${c.lines}</td></tr>`,
    )
    .join('')
  return `<section id="verdict" class="${result.verdict}">
<h2>Verdict: ${result.verdict === 'pass' ? 'PASS — every chain intact, every rule held' : `FAIL — ${result.violationCount} violation(s)`}</h2>
<p>${result.files.length} file(s), ${result.lines} line(s), ${result.events} event(s), ${result.sessions} session(s), ${result.chains.length} hash chain(s); tolerance ${result.tolerance} ms.</p>
${result.unchainedFiles.map((f) => `<p class="warn">Not hash-chained (no tamper evidence): ${escapeHtml(f)}</p>`).join('')}
${result.sessionsWithoutEvidence ? `<p class="warn">${result.sessionsWithoutEvidence} session(s) without activity records: idle rules unproven for them.</p>` : ''}
${rules ? `<ul>${rules}</ul>` : ''}
${rows ? `<table><thead><tr><th>rule</th><th>session</th><th>line</th><th>evidence</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<h3>Hash chains</h3>
<table><thead><tr><th>chain</th><th>service</th><th>file</th><th>hash</th><th>seq</th><th>lines</th></tr></thead><tbody>${chains}</tbody></table>
</section>`
}

function parityTable(stats: ReportStats): string {
  return stats.services.fingerprints
    .map(
      (f) =>
        `<tr class="${f.matches ? 'pass' : 'fail'}"><td>${escapeHtml(f.service)}</td><td>${escapeHtml(f.policy)}</td><td><code>${escapeHtml(f.fingerprint)}</code></td><td>${f.matches ? 'same as --policy' : 'DIFFERS from --policy'}</td></tr>`,
    )
    .join('')
}

// Runs in the report: draws each chart with uPlot and marks it rendered (the browser test reads that).
const RENDER = `
(function () {
  var D = window.CURFEW_REPORT;
  var W = Math.min(900, document.body.clientWidth - 40);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];
  function bars(size) { return uPlot.paths.bars({ size: [size || 0.8, 60] }); }
  function chart(id, opts, data) {
    var el = document.getElementById(id);
    opts.width = W; opts.height = 260;
    new uPlot(opts, data, el);
    el.setAttribute('data-rendered', 'true');
  }
  // Limits (the absolute cap, the idle timeout) as dashed vertical red lines drawn over the plot.
  function limits(values) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      ctx.save(); ctx.strokeStyle = '#dc2626'; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([8, 5]);
      values.forEach(function (v) {
        var x = Math.round(u.valToPos(v, 'x', true));
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      });
      ctx.restore();
    }] } };
  }

  var L = D.stats.sessionLengths;
  chart('chart-lengths', {
    title: 'Session lengths (authentication to last accepted request); red dashed: absolute cap',
    scales: { x: { time: false } },
    plugins: [limits(L.capsMinutes)],
    axes: [{ label: 'minutes' }, { label: 'sessions' }],
    series: [{}, { label: 'sessions', fill: '#2563eb88', stroke: '#2563eb', paths: bars() }],
  }, [L.binMinutes, L.counts]);

  var G = D.stats.idleGaps;
  chart('chart-gaps', {
    title: 'Idle gaps: before accepted activity, and before an idle expiry; red dashed: idle timeout',
    scales: { x: { time: false } },
    plugins: [limits(G.idleMinutes)],
    axes: [{ label: 'minutes' }, { label: 'gaps' }],
    series: [{}, { label: 'gap, then accepted', fill: '#16a34a88', stroke: '#16a34a', paths: bars(0.45) },
      { label: 'gap, then idle expiry', fill: '#ea580c88', stroke: '#ea580c', paths: bars(0.45) }],
  }, [G.binMinutes, G.accepted, G.beforeIdleExpiry]);

  var E = D.stats.endReasons;
  chart('chart-reasons', {
    title: 'End reasons over time',
    axes: [{}, { label: 'sessions ended' }],
    series: [{}].concat(E.reasons.map(function (r, i) {
      return { label: r, stroke: palette[i % palette.length], width: 2 };
    })),
  }, [E.buckets.map(function (t) { return t / 1000; })].concat(E.counts.length ? E.counts : [E.buckets.map(function () { return 0; })]));

  var C = D.stats.client;
  chart('chart-client', {
    title: C.total ? 'Browser: warnings shown vs. extended vs. expired' : 'Browser: no client events forwarded to this log',
    axes: [{}, { label: 'events' }],
    series: [{}, { label: 'warning shown', stroke: '#ea580c', width: 2 }, { label: 'extended', stroke: '#16a34a', width: 2 },
      { label: 'expired', stroke: '#dc2626', width: 2 }],
  }, [C.buckets.map(function (t) { return t / 1000; }), C.shown, C.extended, C.expired]);

  var S = D.stats.services;
  var n = S.names.length;
  var groups = [['created', S.created], ['activity', S.activity], ['idle', S.idle], ['absolute', S.absolute], ['revoked/other', S.revoked], ['cut-offs', S.cutoffs]];
  var xs = [];
  for (var i = 0; i < n; i++) for (var k = 0; k < groups.length; k++) xs.push(i + (k - (groups.length - 1) / 2) * 0.13);
  chart('chart-services', {
    title: 'Per-service parity: what each service recorded',
    scales: { x: { time: false, range: [-0.6, Math.max(0.6, n - 0.4)] } },
    axes: [{ values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) ? (S.names[t] || '') : ''; }); }, incrs: [1] },
      { label: 'events' }],
    series: [{}].concat(groups.map(function (g, k) {
      return { label: g[0], fill: palette[k] + 'aa', stroke: palette[k], paths: uPlot.paths.bars({ size: [0.8, 40] }) };
    })),
  }, [xs].concat(groups.map(function (g, k) {
    return xs.map(function (x, j) { return j % groups.length === k ? g[1][Math.floor(j / groups.length)] : null; });
  })));
  document.body.setAttribute('data-charts', String(document.querySelectorAll('[data-rendered]').length));
})();
`

/**
 * One self-contained HTML file: the policy and the clauses it meets, the verification verdict, and the
 * charts. Everything is inlined and a Content-Security-Policy forbids any request, so the file opens
 * offline and cannot phone home.
 */
export function renderAuditReport(options: {
  result: AuditVerification
  stats: ReportStats
  chart: ChartLibrary
  generatedAt: number
}): string {
  const { result, stats, chart } = options
  const span = `${new Date(stats.span.from).toISOString()} – ${new Date(stats.span.to).toISOString()}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Curfew audit report — ${result.verdict.toUpperCase()}</title>
<style>${chart.style}</style>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 20px; color: #111827; max-width: 960px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } td, th { border: 1px solid #d1d5db; padding: 4px 6px; text-align: left; vertical-align: top; }
#verdict.pass h2 { color: #15803d; } #verdict.fail h2, tr.fail td, li.fail { color: #b91c1c; } li.warn, p.warn { color: #b45309; } li.pass { color: #15803d; }
ul { margin: 0; padding-left: 18px; } code { font-size: 12px; } .chart { margin: 16px 0; }
</style>
</head>
<body>
<h1>Curfew audit report</h1>
<p>Logs: ${result.files.map(escapeHtml).join(', ')}<br>Period: ${span}<br>Generated ${new Date(options.generatedAt).toISOString()} by <code>curfew audit report</code>; every figure below is computed from the logs, re-run <code>curfew audit verify</code> to reproduce the verdict.</p>
<h2>Policy in force and the clauses it meets</h2>
<table><thead><tr><th>tier</th><th>idle</th><th>absolute</th><th>warning</th><th>fingerprint</th><th>clauses</th></tr></thead><tbody>${policyRows(result.policies)}</tbody></table>
${verdictSection(result)}
<h2>Charts</h2>
<div class="chart" id="chart-lengths"></div>
<div class="chart" id="chart-gaps"></div>
<div class="chart" id="chart-reasons"></div>
<div class="chart" id="chart-client"></div>
<div class="chart" id="chart-services"></div>
<h3>Per-service policy parity</h3>
<table><thead><tr><th>service</th><th>tier</th><th>fingerprint in the log</th><th></th></tr></thead><tbody>${parityTable(stats)}</tbody></table>
<script>${chart.script.replace(/<\/script/gi, '<\\/script')}</script>
<script>window.CURFEW_REPORT = ${scriptJson({ stats })};${RENDER}</script>
</body>
</html>
`
}
