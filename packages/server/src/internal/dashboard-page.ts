/**
 * The dashboard: one HTML page with a little JavaScript, no build step. It polls `/dashboard/state` every two
 * seconds and, for embedding models, embeds the pasted sentences through `/v1/embeddings` and draws their cosine
 * similarity matrix as a heatmap. An API key, when the server needs one, is asked for once and kept in
 * sessionStorage.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inferox</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; }
  .stats span { display: inline-block; margin-right: 1.5rem; } .stats b { font-size: 1.2rem; }
  #heatmap td { width: 3rem; height: 2rem; text-align: center; color: #fff; border: 1px solid #fff; }
  #error { color: #b42318; } textarea { width: 100%; max-width: 40rem; height: 6rem; }
  svg { border: 1px solid #d0d7de; }
</style>
</head>
<body>
<h1>Inferox <small id="ready"></small></h1>
<p id="error" role="alert"></p>
<div class="stats">
  <span>requests/s <b id="rps">–</b></span>
  <span>p50 <b id="p50">–</b> ms</span>
  <span>p99 <b id="p99">–</b> ms</span>
  <span>queue depth <b id="queue">–</b></span>
</div>
<svg id="chart" width="600" height="120" aria-label="requests per second and p99 latency over the last minutes"></svg>
<h2>Models</h2>
<table id="models"><thead><tr><th>model</th><th>version</th><th>task</th><th>state</th><th>replicas (backend · device · instances · queued/running)</th></tr></thead><tbody></tbody></table>
<section id="similarity" hidden>
<h2>Sentence similarity</h2>
<label>model <select id="embed-model"></select></label>
<p><textarea id="sentences" placeholder="one sentence per line"></textarea></p>
<button id="compare">compare</button>
<table id="heatmap"></table>
</section>
<script>
const $ = (id) => document.getElementById(id);
const fmt = (v) => (v === null || v === undefined ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));
function headers(extra) {
  const key = sessionStorage.getItem('inferox-key');
  return Object.assign(key ? { authorization: 'Bearer ' + key } : {}, extra || {});
}
async function call(url, init) {
  let res = await fetch(url, Object.assign({}, init, { headers: headers(init && init.headers) }));
  if (res.status === 401) {
    const key = prompt('API key');
    if (key) { sessionStorage.setItem('inferox-key', key); res = await fetch(url, Object.assign({}, init, { headers: headers(init && init.headers) })); }
  }
  const body = await res.json();
  if (!res.ok) throw new Error((body.error && body.error.message) || body.error || res.statusText);
  return body;
}
function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
function drawChart(points) {
  const svg = $('chart'); const w = 600, h = 120; svg.innerHTML = '';
  if (!points.length) return;
  const maxRps = Math.max(1, ...points.map((p) => p.requestsPerSecond));
  const maxP99 = Math.max(1, ...points.map((p) => p.p99 || 0));
  const line = (values, max, color) => {
    const d = values.map((v, i) => (i ? 'L' : 'M') + (i * w / Math.max(1, values.length - 1)).toFixed(1) + ',' + (h - 4 - (v / max) * (h - 8)).toFixed(1)).join(' ');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d); path.setAttribute('fill', 'none'); path.setAttribute('stroke', color); svg.appendChild(path);
  };
  line(points.map((p) => p.requestsPerSecond), maxRps, '#0969da');
  line(points.map((p) => p.p99 || 0), maxP99, '#cf222e');
}
async function refresh() {
  try {
    const s = await call('/dashboard/state');
    $('error').textContent = '';
    $('ready').textContent = s.ready ? '· ready' : '· not ready';
    $('rps').textContent = fmt(s.recent.requestsPerSecond);
    $('p50').textContent = fmt(s.recent.p50);
    $('p99').textContent = fmt(s.recent.p99);
    $('queue').textContent = String(s.queueDepth);
    drawChart(s.points);
    const body = $('models').querySelector('tbody'); body.innerHTML = '';
    for (const m of s.models) {
      const tr = document.createElement('tr'); tr.dataset.model = m.name;
      const replicas = m.replicas.map((r) => r.backend + ' · ' + r.device + ' · ' + r.instances + ' · ' + r.queued + '/' + r.running + (r.unavailable ? ' (unavailable)' : '')).join('; ');
      [m.name, m.version, m.task, m.state, replicas].forEach((t) => tr.appendChild(cell(t)));
      body.appendChild(tr);
    }
    const embedders = s.models.filter((m) => m.task === 'embedding').map((m) => m.name);
    $('similarity').hidden = embedders.length === 0;
    const select = $('embed-model');
    if (select.options.length !== embedders.length) select.innerHTML = embedders.map((n) => '<option>' + n.replace(/[<&>"]/g, '') + '</option>').join('');
  } catch (e) { $('error').textContent = String(e.message || e); }
}
function cosine(a, b) { let d = 0, x = 0, y = 0; for (let i = 0; i < a.length; i++) { d += a[i] * b[i]; x += a[i] * a[i]; y += b[i] * b[i]; } return d / (Math.sqrt(x * y) || 1); }
async function compare() {
  const sentences = $('sentences').value.split('\\n').map((s) => s.trim()).filter(Boolean);
  const table = $('heatmap'); table.innerHTML = '';
  if (!sentences.length) return;
  try {
    const res = await call('/v1/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: $('embed-model').value, input: sentences }) });
    const vectors = res.data.map((d) => d.embedding);
    const head = document.createElement('tr'); head.appendChild(cell(''));
    sentences.forEach((_, j) => head.appendChild(cell(String(j + 1)))); table.appendChild(head);
    vectors.forEach((a, i) => {
      const tr = document.createElement('tr'); const label = cell(String(i + 1)); label.title = sentences[i]; tr.appendChild(label);
      vectors.forEach((b) => {
        const v = cosine(a, b); const td = cell(v.toFixed(2)); td.className = 'sim'; td.dataset.value = String(v);
        td.style.background = 'hsl(' + (220 - 220 * Math.max(0, v)).toFixed(0) + ', 70%, 45%)'; tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    $('error').textContent = '';
  } catch (e) { $('error').textContent = String(e.message || e); }
}
$('compare').addEventListener('click', compare);
refresh(); setInterval(refresh, 2000);
</script>
</body>
</html>
`;
