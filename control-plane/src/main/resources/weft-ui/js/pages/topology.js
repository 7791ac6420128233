// Services as nodes and calls as edges. Edges come from the config (GET /topology: dependsOn through
// routes); the metrics API adds observed calls with rps, error rate and p99, coloured by error rate,
// and the mTLS state of each edge. Without metrics an edge is drawn grey and says so.
import {get} from '../api.js';
import {h, s, replace, pct, num} from '../dom.js';
import {unavailable} from '../ui.js';

const BOX_W = 150, BOX_H = 50, COL_W = 260, ROW_H = 90, PAD = 30;

export default {
  title: 'Topology',
  mount(root) {
    const graph = h('figure', {class: 'graph', id: 'topology-graph'});
    const notes = h('div', {class: 'notes'});
    const table = h('div', {class: 'table-wrap'});
    replace(root, legend(), graph, notes, h('h2', {}, 'Calls'), table);
    return {
      async update() {
        const [topo, proxies, mesh, metrics] = await Promise.all(
          [get('/topology'), get('/proxies'), get('/mesh'), get('/metrics/edges')]);
        if (!topo.ok) {
          replace(graph, topo.missing ? unavailable(topo, 'The topology') : h('p', {class: 'notice error', role: 'alert'}, topo.message));
          return;
        }
        const model = build(topo.data, proxies.ok ? proxies.data.proxies : [], mesh.ok ? mesh.data.endpoints : {},
          metrics.ok ? metrics.data.edges || [] : null);
        replace(graph, draw(model), h('figcaption', {class: 'visually-hidden'},
          `${model.nodes.length} services and ${model.edges.length} calls; the table below lists every call.`));
        replace(notes, metrics.ok ? null : metrics.missing
          ? unavailable(metrics, 'Requests per second, error rate, p99 and mTLS per call')
          : h('p', {class: 'notice error'}, `Metrics: ${metrics.message}`));
        replace(table, callTable(model.edges, model.nodes, metrics.ok));
      },
    };
  },
};

/** Joins config edges with observed ones (by from→to) and counts endpoints and proxies per node. */
function build(topo, proxies, endpoints, observed) {
  const nodes = new Map(topo.nodes.map(n => [n.name, {...n, endpoints: (endpoints[n.name] || []).length, proxies: 0}]));
  for (const p of proxies) {
    const name = p.node.mode === 'EDGE' ? 'edge' : p.node.service;
    if (nodes.has(name)) nodes.get(name).proxies++;
  }
  const edges = new Map(topo.edges.map(e => [`${e.from}→${e.to}`, {...e, declared: true, metrics: null}]));
  for (const m of observed || []) {
    const key = `${m.source}→${m.destination}`;
    for (const n of [m.source, m.destination]) {
      if (!nodes.has(n)) nodes.set(n, {name: n, kind: 'service', labels: {}, endpoints: 0, proxies: 0, undeclared: true});
    }
    if (edges.has(key)) edges.get(key).metrics = m;
    else edges.set(key, {from: m.source, to: m.destination, routes: [], declared: false, metrics: m});
  }
  return {nodes: [...nodes.values()], edges: [...edges.values()]};
}

/** Longest-path layers from the callers that nobody calls; cycles are cut at a fixed depth. */
function layout(model) {
  const layer = new Map(model.nodes.map(n => [n.name, 0]));
  for (let i = 0; i < model.nodes.length; i++) {
    let moved = false;
    for (const e of model.edges) {
      if (e.from === e.to) continue;
      const want = layer.get(e.from) + 1;
      if (want > layer.get(e.to) && want < model.nodes.length) { layer.set(e.to, want); moved = true; }
    }
    if (!moved) break;
  }
  const columns = [];
  for (const n of model.nodes) {
    const l = layer.get(n.name);
    (columns[l] = columns[l] || []).push(n);
  }
  const pos = new Map();
  const rows = Math.max(1, ...columns.map(c => (c || []).length));
  columns.forEach((col, x) => (col || []).forEach((n, y) => {
    const offset = (rows - col.length) * ROW_H / 2;
    pos.set(n.name, {x: PAD + x * COL_W, y: PAD + offset + y * ROW_H});
  }));
  return {pos, width: PAD * 2 + (columns.length - 1) * COL_W + BOX_W, height: PAD * 2 + (rows - 1) * ROW_H + BOX_H};
}

function errorClass(m) {
  if (!m) return 'nodata';
  if (m.errorRate >= 0.05) return 'bad';
  if (m.errorRate >= 0.01) return 'warn';
  return 'ok';
}

function edgeLabel(e) {
  const m = e.metrics;
  return m ? `${num(m.rps)} rps · ${pct(m.errorRate)} errors · p99 ${num(m.p99Ms, 0)} ms` : 'no traffic data';
}

function draw(model) {
  const {pos, width, height} = layout(model);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': 'Mesh topology: services and the calls between them', class: 'topology'});
  svg.append(s('defs', {}, ['nodata', 'ok', 'warn', 'bad'].map(c =>
    s('marker', {id: `arrow-${c}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'},
      s('path', {d: 'M 0 0 L 10 5 L 0 10 z', class: `arrow ${c}`})))));
  for (const e of model.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W, y1 = a.y + BOX_H / 2, x2 = b.x, y2 = b.y + BOX_H / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const skips = x2 - x1 > COL_W; // passes columns in between: reach the target's height early, not across their boxes
    const d = x2 <= x1 ? `M ${x1} ${y1} C ${x1 + 80} ${y1 + 80}, ${x2 - 80} ${y2 + 80}, ${x2} ${y2}`
      : skips ? `M ${x1} ${y1} C ${x1 + 70} ${y2}, ${x2 - bend} ${y2}, ${x2} ${y2}`
        : `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
    const cls = errorClass(e.metrics);
    const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    svg.append(s('g', {class: `call ${cls}${e.declared ? '' : ' undeclared'}`, 'data-from': e.from, 'data-to': e.to},
      s('title', {}, `${e.from} → ${e.to}: ${edgeLabel(e)}${mtlsText(e) ? ', ' + mtlsText(e) : ''}`),
      s('path', {d, 'marker-end': `url(#arrow-${cls})`}),
      e.metrics ? s('text', {x: mx, y: my - 6, class: 'call-label'}, edgeLabel(e)) : null,
      lockGlyph(e, mx, my + 4)));
  }
  for (const n of model.nodes) {
    const p = pos.get(n.name);
    const detail = n.kind === 'edge' ? `edge · ${n.proxies} prox${n.proxies === 1 ? 'y' : 'ies'}`
      : `${n.endpoints} endpoint${n.endpoints === 1 ? '' : 's'}${n.labels && n.labels.version ? ' · ' + n.labels.version : ''}`;
    svg.append(s('g', {class: `node ${n.kind}${n.endpoints === 0 && n.kind !== 'edge' ? ' empty' : ''}`, 'data-service': n.name,
      transform: `translate(${p.x} ${p.y})`},
      s('title', {}, `${n.name}: ${detail}${n.mtls ? `, mTLS mode ${n.mtls} (configured)` : ''}`
        + `${n.undeclared ? ' (seen in traffic, not declared)' : ''}`),
      s('rect', {width: BOX_W, height: BOX_H, rx: 6}),
      s('text', {x: 10, y: 21, class: 'node-name'}, n.name),
      s('text', {x: 10, y: 39, class: 'node-detail'}, detail)));
  }
  return svg;
}

function mtlsText(e) {
  const m = e.metrics && e.metrics.mtls;
  if (m === true || m === 'mtls') return 'mTLS';
  if (m === false || m === 'plaintext') return 'plaintext';
  if (m === 'mixed') return 'mixed mTLS and plaintext';
  return '';
}

/** A drawn padlock (closed for mTLS, open for plaintext); nothing when mTLS is unknown. */
function lockGlyph(e, x, y) {
  const t = mtlsText(e);
  if (!t) return null;
  const locked = t === 'mTLS';
  return s('g', {class: `lock ${locked ? 'locked' : 'open'}`, transform: `translate(${x - 6} ${y})`},
    s('title', {}, t),
    s('path', {d: locked ? 'M 3 6 V 3.5 A 3 3 0 0 1 9 3.5 V 6' : 'M 3 6 V 3.5 A 3 3 0 0 1 9 3.5 V 2', class: 'shackle'}),
    s('rect', {x: 1, y: 6, width: 10, height: 8, rx: 1.5}));
}

function callTable(edges, nodes, haveMetrics) {
  const modeOf = new Map(nodes.map(n => [n.name, n.mtls]));
  const sorted = [...edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return h('table', {class: 'data', id: 'calls'},
    h('thead', {}, h('tr', {}, ['From', 'To', 'Declared by', 'Requests/s', 'Error rate', 'p99', 'mTLS seen', 'Callee\'s mTLS mode']
      .map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, sorted.map(e => h('tr', {'data-from': e.from, 'data-to': e.to},
      h('td', {}, e.from), h('td', {}, e.to),
      h('td', {}, e.declared ? e.routes.join(', ') : h('span', {class: 'badge warn'}, 'observed only')),
      h('td', {class: 'num'}, e.metrics ? num(e.metrics.rps) : '—'),
      h('td', {class: `num ${errorClass(e.metrics)}`}, e.metrics ? pct(e.metrics.errorRate) : '—'),
      h('td', {class: 'num'}, e.metrics ? `${num(e.metrics.p99Ms, 0)} ms` : '—'),
      h('td', {}, mtlsText(e) || (haveMetrics ? 'unknown' : '—')),
      h('td', {}, modeOf.get(e.to) ? h('span', {class: `badge mode-${modeOf.get(e.to).toLowerCase()}`,
        title: 'what the config asks of the callee\'s inbound listener'}, modeOf.get(e.to)) : '—')))));
}

function legend() {
  return h('ul', {class: 'legend', 'aria-label': 'Legend'},
    h('li', {class: 'ok'}, 'errors < 1%'), h('li', {class: 'warn'}, '1–5%'), h('li', {class: 'bad'}, '≥ 5%'),
    h('li', {class: 'nodata'}, 'declared, no traffic data'));
}
