// The current mesh config, and a change to it: validate (the API's own messages, inline), dry run
// (which proxies would change), apply. The page never validates by itself: every verdict is the API's.
import {get, post} from '../api.js';
import {h, replace} from '../dom.js';
import {section, unavailable} from '../ui.js';

export default {
  title: 'Config',
  mount(root) {
    const refused = h('div', {id: 'refused'});
    const current = h('div', {id: 'current-config'});
    const editor = h('textarea', {id: 'config-editor', rows: 22, spellcheck: 'false', 'aria-describedby': 'editor-help',
      oninput: () => { dryRunOf = null; applyBtn.disabled = true; }});
    const fileName = h('input', {id: 'config-file', value: 'mesh.yaml', size: 24, 'aria-describedby': 'editor-help'});
    const result = h('div', {id: 'config-result', 'aria-live': 'polite'});
    const applyBtn = h('button', {type: 'button', id: 'apply', disabled: true, onclick: () => run('apply')}, 'Apply');
    let loaded = false;
    let dryRunOf = null; // the text the last successful dry run was for; apply is offered only for it

    replace(root,
      refused,
      h('h2', {}, 'Current config'), current,
      h('h2', {}, 'Change it'),
      h('p', {id: 'editor-help', class: 'muted'}, 'Edit or paste a mesh YAML file. Validate checks it with the control ',
        'plane\'s own rules; Dry run shows which proxies would change; Apply is offered after a dry run of the same text.'),
      h('form', {class: 'editor', onsubmit: e => { e.preventDefault(); run('validate'); }},
        h('label', {for: 'config-file'}, 'File'), fileName,
        h('label', {for: 'config-editor', class: 'visually-hidden'}, 'YAML'), editor,
        h('div', {class: 'buttons'},
          h('button', {type: 'submit', id: 'validate'}, 'Validate'),
          h('button', {type: 'button', id: 'dry-run', onclick: () => run('dry-run')}, 'Dry run'),
          applyBtn)),
      result);

    async function run(action) {
      const text = editor.value;
      const body = {files: [{name: fileName.value.trim() || 'mesh.yaml', text}]};
      replace(result, h('p', {class: 'muted'}, `${action}…`));
      const res = await post(`/config/${action}`, body);
      if (res.missing) {
        replace(result, unavailable(res, action === 'apply' ? 'Applying a change' : action === 'dry-run' ? 'A dry run' : 'Validation'));
        return;
      }
      if (!res.ok) {
        dryRunOf = null;
        applyBtn.disabled = true;
        replace(result, errors(res, editor));
        return;
      }
      if (action === 'validate') {
        replace(result, h('p', {class: 'notice ok', role: 'status'}, 'Valid: the control plane would accept this config.'));
      } else if (action === 'dry-run') {
        dryRunOf = text;
        applyBtn.disabled = false;
        replace(result, dryRun(res.data));
      } else {
        dryRunOf = null;
        applyBtn.disabled = true;
        loaded = false;
        replace(result, h('p', {class: 'notice ok', role: 'status', id: 'applied'},
          `Applied as mesh version ${res.data.version}. `, h('a', {href: '#/rollouts'}, 'Follow it on Rollouts.')));
      }
    }

    return {
      async update() {
        const [cfg, mesh] = await Promise.all([get('/config'), get('/mesh')]);
        replace(refused, mesh.ok && mesh.data.lastConfigError
          ? h('div', {class: 'notice error', role: 'alert', id: 'refused-error'},
            h('p', {}, h('strong', {}, 'Refused: '), 'the last change to the config source was not applied; ',
              `mesh version ${mesh.data.version} stays in force.`),
            h('pre', {class: 'message'}, mesh.data.lastConfigError))
          : null);
        replace(current, section(cfg, 'The current config', data => files(data)));
        if (cfg.ok && !loaded && document.activeElement !== editor && !editor.value) {
          const first = (cfg.data.files || [])[0];
          if (first) { editor.value = first.text; fileName.value = first.name; }
          loaded = true;
        }
      },
    };
  },
};

function files(data) {
  const list = data.files || [];
  return h('div', {},
    h('p', {class: 'muted'}, `Mesh version ${data.version}`, data.source ? ` · from ${data.source}` : ''),
    list.map(f => h('details', {open: list.length === 1},
      h('summary', {}, f.name), h('pre', {class: 'yaml'}, f.text))));
}

/** The API's messages as a list; a message with "line N" gets a button that selects that line. */
function errors(res, editor) {
  const list = (res.data && Array.isArray(res.data.errors) && res.data.errors.length)
    ? res.data.errors.map(e => typeof e === 'string' ? e : e.message) : [res.message];
  return h('div', {class: 'notice error', role: 'alert', id: 'config-errors'},
    h('strong', {}, list.length === 1 ? 'Refused:' : `Refused (${list.length} problems):`),
    h('ul', {}, list.map(m => {
      const line = /line (\d+)/.exec(m);
      return h('li', {}, h('span', {class: 'message'}, m), line
        ? [' ', h('button', {type: 'button', class: 'link', onclick: () => selectLine(editor, Number(line[1]))},
          `go to line ${line[1]}`)] : null);
    })));
}

function selectLine(textarea, n) {
  const lines = textarea.value.split('\n');
  const start = lines.slice(0, n - 1).reduce((a, l) => a + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[n - 1] || '').length);
}

function dryRun(data) {
  const changes = data.changes || [];
  return h('div', {class: 'notice ok', id: 'dry-run-result'},
    h('p', {}, h('strong', {}, 'Valid. '), changes.length
      ? `${changes.length} prox${changes.length === 1 ? 'y' : 'ies'} would change:`
      : 'No proxy would change.'),
    changes.length ? h('table', {class: 'data'},
      h('thead', {}, h('tr', {}, ['Proxy', 'Service', 'What changes'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, changes.map(c => h('tr', {},
        h('th', {scope: 'row'}, h('code', {}, c.proxy)), h('td', {}, c.service || ''),
        h('td', {}, (c.types || []).join(', '), c.summary ? ` — ${c.summary}` : ''))))) : null,
    data.diff ? h('details', {open: true}, h('summary', {}, 'Diff'), h('pre', {class: 'diff'}, data.diff)) : null);
}
