// mTLS mode per scope, the "who breaks if STRICT" report with the plaintext callers seen, and the
// authorization policies with their hit counts. All three come from the identity API.
import {get} from '../api.js';
import {h, replace, time} from '../dom.js';
import {section} from '../ui.js';

export default {
  title: 'Security',
  mount(root) {
    const modes = h('section', {id: 'mtls-modes'});
    const impact = h('section', {id: 'strict-impact'});
    const authz = h('section', {id: 'authz'});
    const scope = h('select', {id: 'strict-scope', onchange: () => refreshImpact()}, h('option', {value: ''}, 'the whole mesh'));
    replace(root,
      h('h2', {}, 'mTLS mode per service'), modes,
      h('h2', {}, 'Who breaks if STRICT'),
      h('p', {}, h('label', {for: 'strict-scope'}, 'If this went STRICT now: '), scope),
      impact,
      h('h2', {}, 'Authorization policies'), authz);

    async function refreshImpact() {
      const q = scope.value ? `?service=${encodeURIComponent(scope.value)}` : '';
      replace(impact, section(await get(`/security/strict-impact${q}`), 'The STRICT impact report', strictImpact));
    }

    return {
      async update() {
        // The whole-mesh report carries every service's effective mode, so one call serves both sections.
        const [mesh, a] = await Promise.all([get('/security/strict-impact'), get('/security/authz')]);
        replace(modes, section(mesh, 'mTLS modes', mtlsModes));
        replace(authz, section(a, 'Authorization policies', policies));
        if (mesh.ok && scope.options.length === 1) {
          Object.keys(mesh.data.currentModes || {}).sort().forEach(n => scope.append(h('option', {value: n}, n)));
        }
        await refreshImpact();
      },
    };
  },
};

function mtlsModes(data) {
  const modes = Object.entries(data.currentModes || {}).sort(([a], [b]) => a.localeCompare(b));
  if (!modes.length) return h('p', {class: 'muted'}, 'No service is declared.');
  return h('table', {class: 'data', id: 'mtls-table'},
    h('thead', {}, h('tr', {}, ['Service', 'Effective mode'].map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, modes.map(([service, mode]) => h('tr', {'data-service': service},
      h('th', {scope: 'row'}, service),
      h('td', {}, h('span', {class: `badge mode-${String(mode).toLowerCase()}`}, mode))))));
}

function strictImpact(data) {
  const callers = data.wouldBreak || [];
  const target = data.scope && data.scope !== '(mesh)' ? data.scope : 'the mesh';
  const window = data.window ? `the last ${data.window.replace(/^PT/, '').toLowerCase()}` : 'the report window';
  if (!callers.length) {
    return h('p', {class: 'notice ok', id: 'strict-safe'},
      `No plaintext caller of ${target} seen in ${window}: going STRICT would break no caller seen so far.`);
  }
  return h('div', {class: 'notice error', id: 'strict-breaks'},
    h('p', {}, h('strong', {}, `${callers.length} caller${callers.length === 1 ? '' : 's'} would break: `),
      `they reached ${target} in plaintext in ${window}.`),
    h('table', {class: 'data', id: 'plaintext-callers'},
      h('thead', {}, h('tr', {}, ['Services at that address', 'Source address', 'Connections', 'Destination', 'Last seen']
        .map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, callers.map(c => h('tr', {'data-destination': c.destination},
        h('td', {}, (c.sourceServices || []).length ? c.sourceServices.join(', ') : h('span', {class: 'muted'}, 'unknown service')),
        h('td', {}, h('code', {}, c.sourceAddress || '')),
        h('td', {class: 'num'}, c.connections ?? '—'),
        h('td', {}, c.destination),
        h('td', {}, time(c.lastSeen)))))));
}

function policies(data) {
  const list = data.policies || [];
  if (!list.length) return h('p', {class: 'muted'}, 'No authorization policy: every authenticated call is allowed.');
  return h('table', {class: 'data', id: 'authz-table'},
    h('thead', {}, h('tr', {}, ['Policy', 'Namespace', 'Action', 'Mode', 'Allowed', 'Denied', 'Would deny (dry run)']
      .map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, list.map(p => h('tr', {},
      h('th', {scope: 'row'}, p.name), h('td', {}, p.namespace || '—'), h('td', {}, p.action),
      h('td', {}, p.dryRun ? h('span', {class: 'badge pending'}, 'dry run') : 'enforced'),
      h('td', {class: 'num'}, p.hits ? p.hits.allow : '—'),
      h('td', {class: 'num'}, p.hits ? p.hits.deny : '—'),
      h('td', {class: 'num'}, p.hits ? p.hits.dryRunDeny : '—')))));
}
