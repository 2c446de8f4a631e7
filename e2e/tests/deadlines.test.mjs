// Deadline policies in a real browser: the admin adds one for the demo's
// "signalement" (refused first, the error summary in the form's order),
// a citizen submits a demand, the accueil's list shows its due time and
// sorts by it with its nine columns in view at 1,280 px; the supervisor
// reads the share met and sorts the Messages inbox by due time.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { assertSays, columnsInView, field, logins, signalement, signIn, submitSignalement } from '../lib/guichet.mjs';

scenario('échéances : une politique pour le signalement, la liste triée par échéance, la part tenue', async (run) => {
  const admin = await run.actor('administrateur');
  const ap = admin.page;
  await signIn(admin, 'admin@plassans.fr');
  await admin.step('ouvre les échéances', () => ap.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Échéances' }).click());
  await admin.step('ajoute une politique sans délai', async () => {
    await field(ap, 'Nom').fill('Signalements : 4 heures');
    await ap.getByRole('button', { name: 'Ajouter la politique' }).click();
  });
  const summary = ap.getByRole('alert').filter({ has: ap.getByRole('heading', { name: /Le formulaire contient/ }) });
  assert.ok(await summary.getByRole('link').count() >= 1, await summary.innerText());
  assert.equal(await field(ap, 'Nom').inputValue(), 'Signalements : 4 heures', 'the name typed is kept');
  await admin.step('fixe la première réponse en 4 heures ouvrées pour le signalement', async () => {
    await ap.getByLabel("S'applique à").selectOption({ label: `Démarche : ${signalement}` });
    await ap.getByLabel('Délai de première réponse', { exact: true }).fill('4');
    await ap.getByLabel('Unité du délai de première réponse').selectOption('heures_ouvrees');
    await ap.getByLabel('Délai de résolution', { exact: true }).fill('10');
    await ap.getByLabel('Unité du délai de résolution').selectOption('jours_ouvres');
    await ap.getByRole('button', { name: 'Ajouter la politique' }).click();
  });
  await assertSays(ap, 'première réponse en 4\u00a0heures ouvrées, résolution en 10\u00a0jours ouvrés');
  await admin.step('ouvre la politique', () => ap.getByRole('link', { name: 'Modifier la politique Signalements : 4 heures' }).click());
  await assertSays(ap, 'créée, première réponse en 4\u00a0heures ouvrées');

  const citizen = await run.actor('usager');
  const reference = await submitSignalement(citizen, {
    email: 'echeance@exemple.fr', name: 'Dominique Échéance',
    categorie: 'Éclairage public', lieu: 'Rue des Tilleuls', description: 'Un lampadaire clignote.',
  });

  const accueil = await run.actor('accueil');
  const cp = accueil.page;
  await signIn(accueil, logins.accueil);
  await columnsInView(accueil, 'la liste de l’accueil');
  await accueil.step('trie par échéance', () => cp.getByRole('link', { name: /^Échéance/ }).click());
  await cp.waitForURL(/tri=echeance/);
  const first = cp.getByRole('table').getByRole('row').nth(1);
  assert.ok((await first.innerText()).includes(reference), `the demand with the nearest due time comes first: ${await first.innerText()}`);
  assert.match(await first.innerText(), /\d\d\/\d\d\/\d{4} \d\d:\d\d/, 'its due time is shown');
  await columnsInView(accueil, 'la liste de l’accueil, triée par échéance');

  const supervisor = await run.actor('superviseur');
  const sp = supervisor.page;
  await signIn(supervisor, logins.supervisor);
  await supervisor.step('ouvre les indicateurs', () => sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Indicateurs' }).click());
  await supervisor.step('ouvre les échéances tenues', () => sp.getByRole('link', { name: 'échéances tenues' }).click());
  await sp.getByRole('heading', { level: 1, name: 'Échéances tenues' }).waitFor();
  await supervisor.step('ouvre les messages', () => sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Messages' }).click());
  await supervisor.step('les trie par échéance', () => sp.getByRole('link', { name: 'par échéance' }).click());
  await sp.waitForURL(/tri=echeance/);
  await assertSays(sp, 'par dernier message');
});
