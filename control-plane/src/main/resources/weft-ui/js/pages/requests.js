// Recent failed requests from the sidecars' ring buffers, and "why did this fail" for a trace id or
// request id: which hop answered, with which response flag, because of which policy or upstream.
import {get} from '../api.js';
import {h, replace, time} from '../dom.js';
import {section} from '../ui.js';

export default {
  title: 'Requests',
  mount(root) {
    const failed = h('section', {id: 'failed'});
    const explanation = h('section', {id: 'explanation', 'aria-live': 'polite'});
    const id = h('input', {id: 'request-id', required: true, size: 40, placeholder: 'trace id or request id'});
    replace(root,
      h('h2', {}, 'Why did this fail?'),
      h('form', {class: 'filters', onsubmit: e => { e.preventDefault(); explain(id.value.trim()); }},
        h('label', {for: 'request-id'}, 'Trace or request id'), id, h('button', {type: 'submit'}, 'Explain')),
      explanation,
      h('h2', {}, 'Recent failures'), failed);

    async function explain(key) {
      if (!key) return;
      replace(explanation, h('p', {class: 'muted'}, 'looking…'));
      const res = await get(`/requests/${encodeURIComponent(key)}/explain`);
      replace(explanation, section(res, 'The explanation', verdict));
    }

    return {
      explain,
      async update() {
        replace(failed, section(await get('/requests/failed'), 'Recent failed requests', data => table(data, explain)));
      },
    };
  },
};

function table(data, explain) {
  const list = data.requests || [];
  if (!list.length) return h('p', {class: 'muted'}, 'No failed request in the sidecars\' recent buffers.');
  return h('table', {class: 'data', id: 'failed-table'},
    h('thead', {}, h('tr', {}, ['When', 'Proxy', 'Request', 'Status', 'Flag', 'Duration', 'Trace'].map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, list.map(r => h('tr', {},
      h('td', {}, time(r.at)), h('td', {}, h('code', {}, r.proxy)),
      h('td', {}, `${r.method} ${r.authority || ''}${r.path}`),
      h('td', {class: 'num'}, r.status), h('td', {}, r.responseFlag ? h('code', {}, r.responseFlag) : '—'),
      h('td', {class: 'num'}, r.durationMs !== undefined ? `${r.durationMs} ms` : '—'),
      h('td', {}, h('button', {type: 'button', class: 'link', onclick: () => explain(r.traceId || r.requestId)},
        r.traceId || r.requestId))))));
}

function verdict(data) {
  return h('div', {class: 'notice', id: 'verdict'},
    h('p', {}, h('strong', {}, data.summary || 'No summary.')),
    (data.hops || []).length ? h('ol', {class: 'hops'}, data.hops.map(hop => h('li', {},
      h('code', {}, hop.proxy), ` ${hop.direction || ''} → ${hop.upstream || hop.cluster || ''} `,
      hop.status ? `HTTP ${hop.status} ` : '', hop.responseFlag ? h('code', {}, hop.responseFlag) : '',
      hop.policy ? ` · policy ${hop.policy}` : '', hop.detail ? ` · ${hop.detail}` : ''))) : null);
}
