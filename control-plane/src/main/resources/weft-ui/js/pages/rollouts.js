// Config changes and how far each got. "Now" is read from the proxy status (what every proxy has
// acknowledged); each pushed mesh version, its cause, how many proxies converged and how long it took
// from GET /rollouts.
import {get} from '../api.js';
import {h, replace, time} from '../dom.js';
import {section, syncOf, SYNC_LABEL, lastNack} from '../ui.js';

export default {
  title: 'Rollouts',
  mount(root) {
    const now = h('section', {'aria-labelledby': 'now-h'});
    const history = h('section', {'aria-labelledby': 'history-h'});
    replace(root, h('h2', {id: 'now-h'}, 'Now'), now, h('h2', {id: 'history-h'}, 'Changes'), history);
    return {
      async update() {
        const [proxies, rollouts] = await Promise.all([get('/proxies'), get('/rollouts')]);
        replace(now, section(proxies, 'Convergence', convergence));
        replace(history, section(rollouts, 'The history of config changes', list));
      },
    };
  },
};

function convergence(data) {
  const all = data.proxies || [];
  const states = all.map(p => ({p, sync: syncOf(p)}));
  const inSync = states.filter(x => x.sync.state === 'in-sync').length;
  const behind = states.filter(x => x.sync.state !== 'in-sync');
  const done = all.length > 0 && inSync === all.length;
  return h('div', {class: 'convergence', id: 'convergence', 'data-version': data.meshVersion, 'data-converged': String(done)},
    h('p', {class: 'big'},
      h('span', {id: 'converged-count'}, `${inSync} of ${all.length}`),
      ` proxies have acknowledged mesh version ${data.meshVersion}`,
      done ? h('span', {class: 'badge in-sync'}, 'converged') : null),
    h('progress', {max: Math.max(1, all.length), value: inSync, 'aria-label': 'proxies in sync'}),
    behind.length ? h('table', {class: 'data'},
      h('thead', {}, h('tr', {}, ['Proxy', 'State', 'Detail'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, behind.map(({p, sync}) => {
        const nack = lastNack(p);
        return h('tr', {'data-node': p.node.id},
          h('th', {scope: 'row'}, h('code', {}, p.node.id)),
          h('td', {}, h('span', {class: `badge ${sync.state}`}, SYNC_LABEL[sync.state])),
          h('td', {}, sync.state === 'nacked' && nack ? h('span', {class: 'message'}, nack.error)
            : `waiting for ${sync.pending.join(', ')}`));
      }))) : null);
}

function list(data) {
  const rollouts = [...(data.rollouts || [])].sort((a, b) => b.meshVersion - a.meshVersion);
  if (!rollouts.length) return h('p', {class: 'muted'}, 'No change pushed since the control plane started.');
  return h('ol', {class: 'rollouts', reversed: true, id: 'rollout-list'}, rollouts.map(r => {
    const nacked = Object.entries(r.nacked || {});
    const waiting = r.waiting || [];
    const done = waiting.length === 0;
    const took = seconds(r.convergedIn);
    return h('li', {class: 'rollout', 'data-version': r.meshVersion, 'data-done': String(done)},
      h('p', {}, h('strong', {}, `Mesh version ${r.meshVersion}`), ' · ', time(r.started), ' · ', r.cause || 'unknown cause'),
      h('p', {},
        h('progress', {max: Math.max(1, r.proxies), value: r.converged, 'aria-label': `version ${r.meshVersion}: proxies converged`}),
        ' ', h('span', {class: 'converged'}, `${r.converged} of ${r.proxies} proxies converged`),
        done && took !== null ? ` in ${formatMs(took * 1000)}` : '',
        done ? '' : h('span', {class: 'badge pending'}, `converging: waiting for ${waiting.join(', ')}`),
        nacked.length ? h('span', {class: 'badge nacked'}, `${nacked.length} refused`) : null,
        (r.gone || []).length ? h('span', {class: 'badge warn'}, `${r.gone.length} disconnected`) : null),
      nacked.length ? h('ul', {class: 'nacks'}, nacked.map(([node, error]) =>
        h('li', {}, h('code', {}, node), ': ', h('span', {class: 'message'}, error)))) : null);
  }));
}

/** A duration as the API renders it (seconds as a number, or ISO-8601 "PT0.012S") → seconds, or null. */
function seconds(d) {
  if (d === undefined || d === null) return null;
  if (typeof d === 'number') return d;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(String(d));
  return m ? (Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0)) : null;
}

function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
