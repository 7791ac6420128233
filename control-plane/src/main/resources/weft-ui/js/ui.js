// Pieces several pages share: what to show when an endpoint is missing or failed, and how to read
// a proxy's xDS status.
import {h} from './dom.js';

/** The plain notice for an endpoint this control plane does not serve yet. Never shows made-up data. */
export function unavailable(res, what) {
  return h('div', {class: 'notice unavailable', 'data-unavailable': res.path},
    h('strong', {}, 'Not available yet. '),
    `${what} needs ${res.path}, which this control plane does not serve yet. `,
    'The dashboard will show it as soon as the control plane does (contract: docs/admin-api.md).');
}

/** The API's own error message, shown as it is (not an alert: it is redrawn on every refresh). */
export function failure(res, what) {
  return h('div', {class: 'notice error'},
    h('strong', {}, `${what}: `), h('span', {class: 'message'}, res.message));
}

/** Shows ok → render(data), missing → unavailable, error → failure. */
export function section(res, what, render) {
  if (res.ok) return render(res.data);
  if (res.missing) return unavailable(res, what);
  return failure(res, what);
}

const TYPE_NAMES = {
  'envoy.config.listener.v3.Listener': 'LDS',
  'envoy.config.route.v3.RouteConfiguration': 'RDS',
  'envoy.config.cluster.v3.Cluster': 'CDS',
  'envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
};
export const TYPE_ORDER = ['LDS', 'RDS', 'CDS', 'EDS', 'SDS'];

/** "type.googleapis.com/envoy.config.listener.v3.Listener" → "LDS". */
export function typeShort(url) {
  const name = String(url).replace(/^type\.googleapis\.com\//, '');
  return TYPE_NAMES[name] || name.split('.').pop();
}

/**
 * Where one proxy stands: 'nacked' if it refused the latest thing sent for a type, 'pending' if
 * something sent is not acknowledged yet, else 'in-sync'.
 */
export function syncOf(proxy) {
  const pending = [];
  const nacked = [];
  for (const [url, t] of Object.entries(proxy.types || {})) {
    if (t.lastNack && t.lastNack.version === t.sentVersion && t.sentVersion !== t.ackedVersion) {
      nacked.push(typeShort(url));
    } else if (t.sentVersion !== t.ackedVersion) {
      pending.push(typeShort(url));
    }
  }
  const state = nacked.length ? 'nacked' : pending.length ? 'pending' : 'in-sync';
  return {state, pending, nacked};
}

export const SYNC_LABEL = {'in-sync': 'in sync', pending: 'pending', nacked: 'refused (NACK)'};

/** The newest NACK of a proxy across types, if any: {type, version, error, at}. */
export function lastNack(proxy) {
  let best = null;
  for (const [url, t] of Object.entries(proxy.types || {})) {
    if (t.lastNack && (!best || Date.parse(t.lastNack.at) > Date.parse(best.at))) {
      best = {type: typeShort(url), ...t.lastNack};
    }
  }
  return best;
}

/** The certificate expiry a proxy status reports, once the identity API reports one. */
export function certExpiry(proxy) {
  return (proxy.certificate && (proxy.certificate.notAfter || proxy.certificate.expiresAt)) || null;
}
