// Config changes and how far each got. "Now" is read from the proxy status (what every proxy has
// acknowledged); the history of changes with source, diff and convergence time from GET /rollouts.
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
  const rollouts = data.rollouts || [];
  if (!rollouts.length) return h('p', {class: 'muted'}, 'No config change since the control plane started.');
  return h('ol', {class: 'rollouts', reversed: true}, rollouts.map(r => {
    const total = r.proxies ? r.proxies.total : 0;
    const converged = r.proxies ? r.proxies.converged : 0;
    const finished = r.convergedAt || (total > 0 && converged === total);
    return h('li', {class: 'rollout', 'data-version': r.version},
      h('p', {}, h('strong', {}, `Version ${r.version}`), ' · ', time(r.at), ' · ', r.source || 'unknown source',
        r.author ? ` by ${r.author}` : ''),
      h('p', {},
        h('progress', {max: Math.max(1, total), value: converged, 'aria-label': `version ${r.version}: proxies converged`}),
        ` ${converged} of ${total} proxies converged`,
        finished && r.durationMs !== undefined && r.durationMs !== null ? ` in ${formatMs(r.durationMs)}` : '',
        finished ? '' : h('span', {class: 'badge pending'}, 'converging'),
        r.nacked ? h('span', {class: 'badge nacked'}, `${r.nacked} refused`) : null),
      r.diff ? h('details', {}, h('summary', {}, 'Diff'), h('pre', {class: 'diff'}, diffLines(r.diff))) : null);
  }));
}

function diffLines(diff) {
  return String(diff).split('\n').map(line => h('span', {class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''},
    line + '\n'));
}

function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
