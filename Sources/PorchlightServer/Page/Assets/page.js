// The customer page's one script: progressive enhancement only; every page works without it.
// - A page opened from a customer link moves its address to /order, so the link's token leaves
//   the address bar and the history (the session cookie carries it from here).
// - The order page checks every 30 s whether the order changed (a small JSON) and, when it has,
//   swaps in the new content without reloading the page.
'use strict';
(function () {
  var order = document.getElementById('order');
  if (order && /\/links\//.test(location.pathname) && window.history.replaceState) {
    history.replaceState(null, '', order.dataset.page + location.search);
  }
  if (!order || !window.fetch) return;
  var busy = false;
  function check() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(order.dataset.state, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state || String(state.version) === order.dataset.version) return null;
        return fetch(location.pathname + location.search, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.text() : null; });
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('order');
        // Never replace a form the customer is filling in.
        if (!fresh || order.contains(document.activeElement) && document.activeElement.form) return;
        order.replaceWith(fresh);
        order = fresh;
        var notice = order.querySelector('[data-refresh-notice]');
        if (notice) notice.hidden = false;
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  setInterval(check, 30000);
})();
