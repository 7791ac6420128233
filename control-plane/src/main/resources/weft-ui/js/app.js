// The dashboard shell: one page per hash route (#/proxies), each refreshed from the admin API every
// few seconds while the tab is visible, and a banner on every page when the last config change was refused.
import {get} from './api.js';
import {h, replace} from './dom.js';
import topology from './pages/topology.js';
import proxies from './pages/proxies.js';
import rollouts from './pages/rollouts.js';
import config from './pages/config.js';
import security from './pages/security.js';
import requests from './pages/requests.js';

const PAGES = {topology, proxies, rollouts, config, security, requests};
const REFRESH_MS = 2000;

const main = document.getElementById('main');
const status = document.getElementById('status');
const banner = document.getElementById('banner');
const announce = document.getElementById('announce'); // spoken only when the mesh version or reachability changes
let current = null;   // {id, view}
let timer = null;
let lastOk = 0;
let generation = 0;   // only the newest refresh schedules the next, so navigating never starts a second loop

function pageId() {
  const id = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return PAGES[id] ? id : 'topology';
}

async function show() {
  const id = pageId();
  if (current && current.id === id) return;
  if (current && current.view.unmount) current.view.unmount();
  for (const a of document.querySelectorAll('nav a[data-page]')) {
    if (a.dataset.page === id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const page = PAGES[id];
  document.title = `${page.title} · Weft dashboard`;
  const body = h('div', {class: 'page', 'data-page': id});
  replace(main, h('h1', {}, page.title), body);
  current = {id, view: page.mount(body)};
  await refresh();
}

async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  const view = current && current.view;
  try {
    const [mesh] = await Promise.all([get('/mesh'), view && view.update ? view.update() : null]);
    if (mine !== generation) return; // a newer refresh owns the banner and the status line
    showBanner(mesh);
    if (mesh.ok) {
      lastOk = Date.now();
      status.textContent = `mesh version ${mesh.data.version} · updated ${new Date(lastOk).toLocaleTimeString()}`;
      status.classList.remove('stale');
      say(`mesh version ${mesh.data.version}`);
    } else {
      status.textContent = `not updated: ${mesh.message || mesh.path}`;
      status.classList.add('stale');
      say(status.textContent);
    }
  } catch (e) {
    status.textContent = `not updated: ${e.message}`;
    status.classList.add('stale');
    say(status.textContent);
    console.error(e);
  } finally {
    if (mine === generation && !document.hidden) timer = setTimeout(refresh, REFRESH_MS);
  }
}

function say(text) {
  if (announce.textContent !== text) announce.textContent = text;
}

let bannerText = '';

/** Redrawn only when the message changes, so a screen reader says it once. */
function showBanner(mesh) {
  const err = (mesh.ok && mesh.data.lastConfigError) || '';
  if (err === bannerText) return;
  bannerText = err;
  if (!err) {
    replace(banner);
    return;
  }
  replace(banner, h('div', {class: 'notice error banner', role: 'alert', id: 'config-refused'},
    h('strong', {}, 'The last config change was refused; the previous config stays in force. '),
    h('span', {class: 'message'}, err), ' ',
    h('a', {href: '#/config'}, 'Config page')));
}

window.addEventListener('hashchange', () => { show(); main.focus(); });
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
show();
