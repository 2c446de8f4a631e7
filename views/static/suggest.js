// Guichet: a text input with data-suggest (an address field) offers, as one
// types, the suggestions its address returns (JSON: [{value, label}]), in
// its datalist. Without JavaScript it is a plain text input; whatever is
// typed is kept, suggested or not.
document.querySelectorAll('input[data-suggest]').forEach(function (input) {
  var list = document.getElementById(input.getAttribute('list'));
  var timer, asked = '', pending;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (pending) pending.abort();
      if (q.length < 2 || q.length > 100) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      fetch(input.dataset.suggest + '?q=' + encodeURIComponent(q), {signal: pending.signal, headers: {Accept: 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.replaceChildren.apply(list, items.map(function (s) {
            var o = document.createElement('option');
            o.value = s.value;
            if (s.label) o.label = s.label;
            return o;
          }));
        })
        .catch(function () {}); // aborted by the next keystroke, or offline: no suggestion
    }, 150);
  });
});
