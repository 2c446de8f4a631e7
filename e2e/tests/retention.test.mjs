// Retention and the citizens' rights: the admin's retention form on the
// procedures' page (an error, then saved), the supervisor's forecast of
// what is anonymised in the next 30 days, and a citizen's data found by
// address, with the erasure refused unconfirmed, then made. axe-core, the
// reflow check and the Nu Html Checker see each page.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { assertSays, logins, signIn } from '../lib/guichet.mjs';

scenario('conservation des données et droits d’un usager', async (run) => {
  const admin = await run.actor('administrateur');
  await signIn(admin, 'admin@plassans.fr');
  const ap = admin.page;
  await admin.step('ouvre les démarches', () => ap.getByRole('link', { name: 'Démarches', exact: true }).click());
  const first = ap.getByLabel(/mois de conservation après la décision/).first();
  await admin.step('saisit une durée hors bornes', async () => {
    await first.fill('72');
    await ap.getByRole('button', { name: 'Enregistrer les durées' }).click();
  });
  await assertSays(ap, 'Indiquez un nombre entier de mois entre 1 et 60.');
  assert.equal(await ap.getByLabel(/mois de conservation après la décision/).first().inputValue(), '72', 'what was typed is kept');
  await admin.step('corrige et enregistre', async () => {
    await ap.getByLabel(/mois de conservation après la décision/).first().fill('24');
    await ap.getByRole('button', { name: 'Enregistrer les durées' }).click();
  });
  await assertSays(ap, 'Durées de conservation enregistrées');

  const supervisor = await run.actor('superviseur');
  await signIn(supervisor, logins.supervisor);
  const sp = supervisor.page;
  await supervisor.step('ouvre la conservation', () => sp.getByRole('link', { name: 'Conservation', exact: true }).click());
  await assertSays(sp, 'Règles de la commune', 'conservées 24 mois après leur décision');
  await supervisor.step('ouvre « Droits des usagers »', () => sp.getByRole('link', { name: 'Droits des usagers', exact: true }).click());
  await supervisor.step('cherche une adresse mal écrite', async () => {
    await sp.getByLabel('Adresse e-mail de la personne').fill('marie.mouret');
    await sp.getByRole('button', { name: 'Rechercher' }).click();
  });
  await assertSays(sp, 'Saisissez une adresse e-mail valide');
  await supervisor.step('cherche un usager', async () => {
    await sp.getByLabel('Adresse e-mail de la personne').fill('octave.mouret@exemple.fr');
    await sp.getByRole('button', { name: 'Rechercher' }).click();
  });
  await assertSays(sp, 'Ce qui est conservé au sujet de octave.mouret@exemple.fr', 'Horaires de la mairie cet été', 'Remettre ces données');
  await supervisor.step('efface sans confirmer', () => sp.getByRole('button', { name: 'Effacer' }).click());
  await assertSays(sp, "Cochez la case pour confirmer l'effacement", "Choisissez le motif de l'effacement.");
  await supervisor.step('efface à sa demande', async () => {
    await sp.getByLabel('À la demande de la personne (RGPD, article 17)').check();
    await sp.getByLabel("Je confirme l'effacement définitif de ces données").check();
    await sp.getByRole('button', { name: 'Effacer' }).click();
  });
  await assertSays(sp, 'Effacé : ');
  assert.equal(await sp.getByText('Horaires de la mairie cet été').count(), 0, 'the erased conversation is still listed');
});
