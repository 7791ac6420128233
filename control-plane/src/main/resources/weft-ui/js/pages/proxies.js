// Every connected sidecar, edge and proxyless client: what it runs (xDS versions ACKed per type),
// whether it is in sync, its last NACK and its certificate expiry. Filter and sort are kept across refreshes.
import {get} from '../api.js';
import {h, replace, time} from '../dom.js';
import {section, syncOf, SYNC_LABEL, lastNack, certExpiry, typeShort, TYPE_ORDER} from '../ui.js';

const COLUMNS = [
  {key: 'node', label: 'Node', value: p => p.node.id},
  {key: 'service', label: 'Service', value: p => p.node.service},
  {key: 'version', label: 'Version', value: p => (p.node.labels && p.node.labels.version) || ''},
  {key: 'mode', label: 'Mode', value: p => p.node.mode},
  {key: 'sync', label: 'Sync', value: p => syncOf(p).state},
  {key: 'connected', label: 'Connected since', value: p => p.connectedSince},
  {key: 'cert', label: 'Certificate expires', value: p => certExpiry(p) || ''},
];

export default {
  title: 'Proxies',
  mount(root) {
    const state = {sort: 'node', dir: 1, text: '', mode: ''};
    const search = h('input', {type: 'search', id: 'proxy-filter', placeholder: 'node, service or address',
      oninput: e => { state.text = e.target.value.trim().toLowerCase(); draw(); }});
    const mode = h('select', {id: 'proxy-mode', onchange: e => { state.mode = e.target.value; draw(); }},
      h('option', {value: ''}, 'all'), h('option', {value: 'SIDECAR'}, 'sidecars'),
      h('option', {value: 'EDGE'}, 'edges'), h('option', {value: 'PROXYLESS'}, 'proxyless'));
    const summary = h('p', {class: 'summary', id: 'proxy-summary'});
    const out = h('div', {class: 'table-wrap'});
    replace(root,
      h('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
        h('label', {for: 'proxy-filter'}, 'Filter'), search,
        h('label', {for: 'proxy-mode'}, 'Mode'), mode),
      summary, out);
    let last = null;

    function draw() {
      if (!last) return;
      const focused = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.sort;
      replace(out, section(last, 'The proxy list', data => table(data)));
      if (focused) out.querySelector(`[data-sort="${focused}"]`)?.focus();
    }

    function table(data) {
      const all = data.proxies || [];
      const rows = all.filter(p => (!state.mode || p.node.mode === state.mode) && matches(p, state.text));
      const col = COLUMNS.find(c => c.key === state.sort);
      rows.sort((a, b) => String(col.value(a)).localeCompare(String(col.value(b)), undefined, {numeric: true}) * state.dir);
      const inSync = all.filter(p => syncOf(p).state === 'in-sync').length;
      replace(summary, `${all.length} connected · ${inSync} in sync with mesh version ${data.meshVersion}`,
        rows.length !== all.length ? ` · showing ${rows.length}` : '');
      const types = typesOf(all);
      return h('table', {class: 'data', id: 'proxies'},
        h('caption', {class: 'visually-hidden'}, 'Connected proxies'),
        h('thead', {}, h('tr', {},
          COLUMNS.slice(0, 5).map(header),
          types.map(t => h('th', {scope: 'col', title: `${t}: version ACKed (and sent, if different)`}, t)),
          h('th', {scope: 'col'}, 'Last NACK'),
          COLUMNS.slice(5).map(header))),
        h('tbody', {}, rows.length ? rows.map(p => row(p, types))
          : h('tr', {}, h('td', {colspan: COLUMNS.length + 1 + types.length, class: 'muted'},
            all.length ? 'No proxy matches the filter.' : 'No proxy is connected.'))));
    }

    function header(c) {
      const active = state.sort === c.key;
      return h('th', {scope: 'col', 'aria-sort': active ? (state.dir > 0 ? 'ascending' : 'descending') : 'none'},
        h('button', {type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => {
          state.dir = state.sort === c.key ? -state.dir : 1;
          state.sort = c.key;
          draw();
        }}, c.label, active ? (state.dir > 0 ? ' ▲' : ' ▼') : ''));
    }

    return {
      async update() {
        last = await get('/proxies');
        draw();
      },
    };
  },
};

function matches(p, text) {
  if (!text) return true;
  const n = p.node;
  return [n.id, n.service, n.address, n.namespace].some(v => String(v || '').toLowerCase().includes(text));
}

function typesOf(proxies) {
  const seen = new Set();
  proxies.forEach(p => Object.keys(p.types || {}).forEach(u => seen.add(typeShort(u))));
  return TYPE_ORDER.filter(t => seen.has(t)).concat([...seen].filter(t => !TYPE_ORDER.includes(t)).sort());
}

function row(p, types) {
  const sync = syncOf(p);
  const byShort = Object.fromEntries(Object.entries(p.types || {}).map(([u, t]) => [typeShort(u), t]));
  const nack = lastNack(p);
  const cert = certExpiry(p);
  return h('tr', {'data-node': p.node.id, 'data-sync': sync.state},
    h('th', {scope: 'row'}, h('code', {}, p.node.id), h('div', {class: 'muted small'}, `${p.node.address} · ${p.protocol}`)),
    h('td', {}, p.node.service),
    h('td', {}, (p.node.labels && p.node.labels.version) || h('span', {class: 'muted'}, '—')),
    h('td', {}, p.node.mode.toLowerCase()),
    h('td', {}, h('span', {class: `badge ${sync.state}`}, SYNC_LABEL[sync.state]),
      sync.pending.length ? h('div', {class: 'small muted'}, 'waiting for ', sync.pending.join(', ')) : null,
      sync.nacked.length ? h('div', {class: 'small'}, 'refused ', sync.nacked.join(', ')) : null),
    types.map(t => typeCell(byShort[t])),
    h('td', {class: 'nack'}, nack
      ? [h('span', {class: 'badge nacked'}, nack.type), ' ', h('span', {class: 'message'}, nack.error), ' ', time(nack.at)]
      : h('span', {class: 'muted'}, 'none')),
    h('td', {}, time(p.connectedSince)),
    h('td', {}, cert ? time(cert) : h('span', {class: 'muted', title: 'the control plane does not report certificates yet'}, 'not reported')));
}

function typeCell(t) {
  if (!t) return h('td', {class: 'muted'}, '—');
  const acked = t.ackedVersion || 'none';
  return h('td', {title: `ACKed ${acked}, sent ${t.sentVersion || 'nothing'}; subscribed: ${t.subscribed}`},
    h('code', {}, short(acked)),
    t.sentVersion && t.sentVersion !== t.ackedVersion ? h('div', {class: 'small muted'}, `sent ${short(t.sentVersion)}`) : null);
}

/** Versions are content hashes: the first 8 characters tell them apart; the cell's title has them whole. */
function short(version) {
  return version.length > 10 ? version.slice(0, 8) + '…' : version;
}
