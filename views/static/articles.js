// Guichet: a region with data-suggest-from (the ids of the fields a
// citizen types a question in) and data-suggest-url shows, as one types,
// the help articles that may answer it: the server's fragment
// (article_suggestions). Without JavaScript, the contact form lists them
// after its first step.
document.querySelectorAll('[data-suggest-from]').forEach(function (region) {
  var fields = region.dataset.suggestFrom.split(' ').map(function (id) { return document.getElementById(id); }).filter(Boolean);
  var typed = function () { return fields.map(function (f) { return f.value; }).join(' ').trim().slice(0, 500); };
  var timer, asked = typed(), pending;
  var ask = function () {
    var q = typed();
    if (q === asked) return;
    asked = q;
    if (pending) pending.abort();
    if (q.length < 3) {
      region.replaceChildren();
      return;
    }
    pending = new AbortController();
    fetch(region.dataset.suggestUrl + '?question=' + encodeURIComponent(q), {signal: pending.signal})
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) { region.innerHTML = html; })
      .catch(function () {}); // aborted by the next keystroke, or offline: the list stays
  };
  fields.forEach(function (f) {
    f.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
  });
});

// A reply composer's "Insérer le lien" puts the chosen article's link at
// the cursor instead of sending the form (which, without JavaScript, adds
// it at the end of the text and shows the form again).
document.querySelectorAll('button[data-insert-into]').forEach(function (button) {
  var box = document.getElementById(button.dataset.insertInto);
  var select = document.getElementById(button.dataset.insertFrom);
  button.addEventListener('click', function (ev) {
    var option = select && select.selectedOptions[0];
    if (!box || !option || !option.dataset.link) return;
    ev.preventDefault();
    var line = option.dataset.link;
    var at = box.selectionStart != null ? box.selectionStart : box.value.length;
    var before = box.value.slice(0, at), after = box.value.slice(box.selectionEnd != null ? box.selectionEnd : at);
    if (before && !before.endsWith('\n')) line = '\n' + line;
    if (!after.startsWith('\n')) line += '\n';
    box.value = before + line + after;
    box.focus();
    box.selectionStart = box.selectionEnd = before.length + line.length;
  });
});
