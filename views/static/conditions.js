// Guichet: a field shown only when another has a given value
// (data-si-champ, data-si-valeur) is hidden while it has not. Without this
// script every field shows, its condition spelled out; the server drops the
// answers of a hidden field either way.
(function () {
  function holds(form, block) {
    var name = block.dataset.siChamp, want = block.dataset.siValeur;
    var controls = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    for (var i = 0; i < controls.length; i++) {
      var c = controls[i];
      var outer = c.closest('.conditional');
      if (outer && outer.hidden) return false; // the field it depends on is hidden
      if ((c.type === 'radio' || c.type === 'checkbox') ? c.checked && c.value === want : c.value === want) return true;
    }
    return false;
  }
  function update(form) {
    // In the form's order: a condition on a field that a condition hides sees it hidden.
    form.querySelectorAll('.conditional').forEach(function (block) {
      block.hidden = !holds(form, block);
      var text = block.querySelector('.condition');
      if (text) text.hidden = true;
    });
  }
  document.querySelectorAll('form.demand-form').forEach(function (form) {
    update(form);
    form.addEventListener('change', function () { update(form); });
  });
})();
