// Tiny DOM helpers. Text always goes in as text nodes, never as HTML, so nothing the mesh reports
// (service names, error messages) can inject markup.

/** h('td', {class: 'num', title: 'x'}, 'text', childNode, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces all children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "3 s ago", "5 min ago", "2 h ago" for an ISO instant; the exact time goes in a title. */
export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const secs = Math.max(0, Math.round((now - t) / 1000));
  if (secs < 60) return `${secs} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  return `${Math.floor(secs / 86400)} d ago`;
}

/** A time element showing ago() with the exact instant in its title. */
export function time(iso) {
  return iso ? h('time', {datetime: iso, title: iso}, ago(iso)) : h('span', {class: 'muted'}, '—');
}

export function pct(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  const p = x * 100;
  return (p > 0 && p < 0.1 ? p.toFixed(2) : p.toFixed(1)) + '%';
}

export function num(x, digits = 1) {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : Number(x).toFixed(digits);
}
