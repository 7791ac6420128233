// Sends the token to /ui/login, which sets an HttpOnly session cookie when it is right.
const form = document.getElementById('login');
const error = document.getElementById('login-error');

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)weft_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const res = await fetch('/ui/login', {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'text/plain', 'X-Weft-Csrf': csrfToken()},
    body: document.getElementById('token').value,
  });
  if (res.ok) {
    location.assign('/ui/');
    return;
  }
  let message = `HTTP ${res.status}`;
  try {
    message = (await res.json()).error || message;
  } catch (e) { /* keep the status */ }
  error.textContent = message;
  error.hidden = false;
});
