// The current mesh config, and a change to one of its files: validate (the API's own message,
// inline), dry run (which proxies would change, and how), apply. The page never judges a config
// itself: every verdict is the admin API's.
import {get, post, put} from '../api.js';
import {h, replace} from '../dom.js';
import {section, unavailable, typeShort} from '../ui.js';

export default {
  title: 'Config',
  mount(root) {
    const refused = h('div', {id: 'refused'});
    const current = h('div', {id: 'current-config'});
    const names = h('datalist', {id: 'config-files'});
    const fileName = h('input', {id: 'config-file', value: 'mesh.yaml', size: 24, list: 'config-files',
      'aria-describedby': 'editor-help', onchange: () => load(fileName.value.trim())});
    const editor = h('textarea', {id: 'config-editor', rows: 18, spellcheck: 'false', 'aria-describedby': 'editor-help',
      oninput: () => offerApply(false)});
    const result = h('div', {id: 'config-result', 'aria-live': 'polite'});
    const applyBtn = h('button', {type: 'button', id: 'apply', disabled: true, onclick: () => run('apply')}, 'Apply');
    let files = null; // name → text, as the API last reported
    const opened = new Set(); // files whose text the reader unfolded; kept across refreshes
    let refusedText = '';

    replace(root,
      refused,
      h('h2', {}, 'Change a file'),
      h('p', {id: 'editor-help', class: 'muted'}, 'Edit a file of the mesh config, or paste a new one. Validate checks it ',
        'with the control plane\'s own rules; Dry run shows which proxies would change; Apply is offered after a ',
        'successful dry run of the same text.'),
      h('form', {class: 'editor', onsubmit: e => { e.preventDefault(); run('validate'); }},
        h('label', {for: 'config-file'}, 'File'), h('span', {}, fileName, names),
        h('label', {for: 'config-editor', class: 'visually-hidden'}, 'YAML'), editor,
        h('div', {class: 'buttons'},
          h('button', {type: 'submit', id: 'validate'}, 'Validate'),
          h('button', {type: 'button', id: 'dry-run', onclick: () => run('dry-run')}, 'Dry run'),
          applyBtn)),
      result,
      h('h2', {}, 'Current config'), current);

    function show(...content) {
      replace(result, ...content);
      result.scrollIntoView({block: 'nearest'});
    }

    function offerApply(yes) {
      applyBtn.disabled = !yes;
    }

    function load(name) {
      if (files && name in files) editor.value = files[name];
      offerApply(false);
    }

    async function run(action) {
      const name = fileName.value.trim();
      if (!/^[A-Za-z0-9._-]+\.ya?ml$/.test(name)) {
        show(h('p', {class: 'notice error', role: 'alert', id: 'config-errors'},
          `File: "${name}" (expected: a name such as mesh.yaml, letters, digits, '.', '_' or '-', ending in .yaml or .yml)`));
        return;
      }
      const file = encodeURIComponent(name);
      show(h('p', {class: 'muted'}, `${action}…`));
      const res = action === 'validate' ? await post(`/config/validate?file=${file}`, editor.value)
        : action === 'dry-run' ? await post(`/config/diff?file=${file}`, editor.value)
          : await put(`/config/files/${file}?author=dashboard`, editor.value);
      if (res.missing) {
        show(unavailable(res, {validate: 'Validation', 'dry-run': 'A dry run', apply: 'Applying a change'}[action]));
        return;
      }
      if (!res.ok) {
        offerApply(false);
        show(errors(res.message, editor));
        return;
      }
      if (action === 'validate') {
        show(h('p', {class: 'notice ok', role: 'status', id: 'valid'}, `Valid: the control plane would accept ${name}.`));
      } else if (action === 'dry-run') {
        offerApply(true);
        show(dryRun(res.data));
      } else {
        offerApply(false);
        files = null;
        show(h('p', {class: 'notice ok', role: 'status', id: 'applied', 'data-version': res.data.meshVersion},
          `Applied: ${name} is now mesh version ${res.data.meshVersion}. `, h('a', {href: '#/rollouts'}, 'Follow it on Rollouts.')));
      }
    }

    return {
      async update() {
        const [cfg, mesh] = await Promise.all([get('/config'), get('/mesh')]);
        const err = (mesh.ok && mesh.data.lastConfigError) || (cfg.ok && cfg.data.lastError) || '';
        const says = err ? `${err}\n${mesh.ok ? mesh.data.version : ''}` : '';
        if (says !== refusedText) { // redrawn only when it changes, so a screen reader says it once
          refusedText = says;
          replace(refused, err
            ? h('div', {class: 'notice error', role: 'alert', id: 'refused-error'},
              h('p', {}, h('strong', {}, 'Refused: '), 'the last change to the config source was not applied; ',
                mesh.ok ? `mesh version ${mesh.data.version} stays in force.` : 'the previous config stays in force.'),
              h('pre', {class: 'message'}, err))
            : null);
        }
        replace(current, section(cfg, 'The current config', data => currentFiles(data, opened)));
        if (cfg.ok) {
          const first = files === null && !editor.value;
          files = cfg.data.files || {};
          replace(names, Object.keys(files).map(n => h('option', {value: n})));
          if (first && Object.keys(files).length) {
            fileName.value = Object.keys(files)[0];
            load(fileName.value);
          }
        }
      },
    };
  },
};

function currentFiles(data, opened) {
  const list = Object.entries(data.files || {});
  return h('div', {},
    h('p', {class: 'muted'}, data.store ? `From ${data.store}` : ''),
    list.length ? list.map(([name, text]) => h('details', {'data-file': name, open: opened.has(name),
      ontoggle: e => { if (e.target.open) opened.add(name); else opened.delete(name); }},
      h('summary', {}, name), h('pre', {class: 'yaml'}, text))) : h('p', {class: 'muted'}, 'No config file.'));
}

/** The API's message, line by line; a line naming "line N" gets a button that selects that line. */
function errors(message, editor) {
  const list = String(message).split('\n').filter(l => l.trim());
  return h('div', {class: 'notice error', role: 'alert', id: 'config-errors'},
    h('strong', {}, 'Refused:'),
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
      : 'No connected proxy would change.'),
    changes.length ? h('table', {class: 'data'},
      h('thead', {}, h('tr', {}, ['Proxy', 'Service', 'What changes'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, changes.map(c => h('tr', {'data-node': c.node},
        h('th', {scope: 'row'}, h('code', {}, c.node)), h('td', {}, c.service || ''),
        h('td', {}, Object.entries(c.types || {}).map(([url, ch]) => h('div', {},
          h('strong', {}, typeShort(url)), ' ', describe(ch)))))))) : null);
}

function describe(ch) {
  const parts = [];
  if (ch.added && ch.added.length) parts.push(`added ${ch.added.join(', ')}`);
  if (ch.removed && ch.removed.length) parts.push(`removed ${ch.removed.join(', ')}`);
  if (ch.modified && ch.modified.length) parts.push(`changed ${ch.modified.join(', ')}`);
  return parts.join('; ') || 'changed';
}
