// The dashboard's only way to the mesh: the admin REST API under /api/v1, the same one weftctl uses.
// Every call resolves to one of:
//   {ok: true, data}                      the endpoint answered
//   {ok: false, missing: true, path}      this control plane has no such endpoint (yet)
//   {ok: false, status, message, data}    the endpoint refused or failed; message is the API's own words
// A 404 whose body is the API's JSON error means "no such thing"; any other 404 means "no such endpoint".

const BASE = '/api/v1';

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)weft_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

async function call(method, path, body) {
  const headers = {Accept: 'application/json'};
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store'};
  if (method !== 'GET') {
    headers['X-Weft-Csrf'] = csrfToken();
    if (typeof body === 'string') {
      headers['Content-Type'] = 'application/yaml';
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    return {ok: false, status: 0, message: `the control plane did not answer (${e.message}); is it running?`};
  }
  if (res.status === 401) {
    location.assign('/ui/login');
    return {ok: false, status: 401, message: 'log in first'};
  }
  const isJson = (res.headers.get('content-type') || '').includes('application/json');
  let data = null;
  if (isJson) {
    try {
      data = await res.json();
    } catch (e) {
      return {ok: false, status: res.status, message: `${method} ${BASE + path}: the answer is not valid JSON`};
    }
  }
  if (res.ok) return {ok: true, status: res.status, data};
  if ((res.status === 404 || res.status === 405) && !(data && data.error)) {
    return {ok: false, missing: true, status: res.status, path: `${method} ${BASE + path}`};
  }
  const message = (data && data.error) || `${method} ${BASE + path}: HTTP ${res.status}`;
  return {ok: false, status: res.status, message, data};
}

export const get = (path) => call('GET', path);
/** A string body goes as YAML text, anything else as JSON. */
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
