// Guichet: a form with data-progress sends its file showing how much has
// gone, then that the server is reading it, and shows the page it answers.
// Without JavaScript the form posts as any other.
document.querySelectorAll('form[data-progress]').forEach(function (form) {
  var bar = form.querySelector('[data-progress-bar]');
  var status = form.querySelector('[data-progress-status]');
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', function (p) {
      if (!p.lengthComputable) return;
      var pct = Math.floor(100 * p.loaded / p.total);
      bar.hidden = false;
      bar.value = pct;
      bar.textContent = pct + '\u00a0%';
      status.textContent = pct < 100 ? 'Envoi du fichier\u00a0: ' + pct + '\u00a0%' : 'Fichier envoyé, import en cours…';
    });
    xhr.addEventListener('load', function () {
      // The answer is the page itself (after its redirect): show it.
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener('error', function () {
      bar.hidden = true;
      status.textContent = "L'envoi a échoué (connexion interrompue). Réessayez.";
    });
    status.textContent = 'Envoi du fichier…';
    xhr.send(new FormData(form));
  });
});
