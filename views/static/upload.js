// Guichet: before htmx uploads the files just chosen, check their size, so
// that a file over the limit is refused at once, in French, without being
// sent. The server checks again (and checks the type from the content).
document.addEventListener('htmx:beforeRequest', function (e) {
  var input = e.detail.elt;
  if (!input || input.type !== 'file' || !input.dataset.maxSize) return;
  var max = Number(input.dataset.maxSize), big = [];
  for (var i = 0; i < input.files.length; i++) {
    if (input.files[i].size > max) big.push('« ' + input.files[i].name + ' »');
  }
  var out = document.getElementById(input.id + '-erreur-envoi');
  if (big.length === 0) {
    if (out) out.hidden = true;
    return;
  }
  e.preventDefault();
  input.value = '';
  if (out) {
    out.textContent = 'Fichier trop volumineux, non envoyé : ' + big.join(', ') + '. ' + input.dataset.maxSizeText;
    out.hidden = false;
  }
});
