// The pages the three cases do not pass through, so that axe-core, the
// reflow check and the Nu Html Checker see them too: forms with their error
// summary, files attached to a draft, bad links, sign-in failures, the
// administration, print views, an agent's notifications.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { png, tempFile } from '../lib/files.mjs';
import { assertSays, columnsInView, logins, openDemand, portal, signIn, submitSignalement } from '../lib/guichet.mjs';

// errorSummary checks that the page shows an error summary with one link
// per wrong field, and that its first link takes the focus to its field.
async function errorSummary(actor, count) {
  const page = actor.page;
  const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: /Le formulaire contient/ }) });
  assert.equal(await summary.getByRole('link').count(), count, await summary.innerText());
  const first = summary.getByRole('link').first();
  const target = (await first.getAttribute('href')).slice(1);
  await first.click();
  assert.equal(await page.evaluate(() => document.activeElement.id), target, 'the summary link does not take the focus to its field');
}

scenario('pages annexes de l’usager : formulaire complet avec erreurs et pièces, suivi, liens non valables', async (run) => {
  const citizen = await run.actor('usager');
  const page = citizen.page;

  await citizen.goto(portal, 'ouvre le portail de la commune');
  await citizen.step('demande un lien sans code', () => page.getByRole('button', { name: 'Recevoir le lien par e-mail' }).click());
  await errorSummary(citizen, 1);

  await citizen.goto(portal, 'revient au portail');
  await citizen.step('choisit l’occupation du domaine public', () => page.getByRole('link', { name: "Demande d'occupation du domaine public" }).click());
  await citizen.step('commence sans adresse', () => page.getByRole('button', { name: 'Commencer ma demande' }).click());
  await errorSummary(citizen, 2);
  await citizen.step('commence sa demande', async () => {
    await page.getByLabel('Votre adresse e-mail').fill('sam.terrasse@exemple.fr');
    await page.getByLabel('Vos nom et prénom').fill('Sam Durand');
    await page.getByRole('button', { name: 'Commencer ma demande' }).click();
  });
  await citizen.step('dépose le formulaire vide', () => page.getByRole('button', { name: 'Déposer ma demande' }).click());
  await errorSummary(citizen, 8);

  const plan = tempFile('plan.png', png(1, 1, [255, 255, 255]));
  await citizen.step('joint un plan', async () => {
    await page.getByLabel('Plan de situation').setInputFiles(plan);
    await page.getByRole('link', { name: 'plan.png', exact: true }).waitFor();
  });
  await citizen.step('remplit une partie et enregistre le brouillon', async () => {
    await page.getByLabel('Téléphone').fill('06 12 34 56 78');
    await page.getByLabel("Nature de l'occupation").selectOption({ label: 'Terrasse' });
    await page.getByLabel('Date de début').fill('2027-05-01');
    await page.getByLabel('Date de fin').fill('2027-04-01');
    await page.getByLabel('Surface').fill('12');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  });
  await assertSays(page, 'plan.png');
  assert.equal(await page.getByLabel('Téléphone').inputValue(), '06 12 34 56 78', 'the draft keeps what was typed');

  await citizen.goto(`${portal}suivi/ce-lien-est-faux`, 'ouvre un lien abîmé');
  await page.getByRole('heading', { level: 1, name: "Ce lien n'est pas valable" }).waitFor();
  await citizen.goto(`${portal}service/ce-lien-est-faux`, 'ouvre un lien de service abîmé');
});

scenario('pages annexes des agents : connexion refusée, mot de passe oublié, administration, impression', async (run) => {
  const citizen = await run.actor('usager');
  const reference = await submitSignalement(citizen, { email: 'paul.annexe@exemple.fr', name: 'Paul Roux', categorie: 'Espaces verts', lieu: 'Parc Sainte-Claire', description: 'Une branche menace de tomber sur l’allée.' });

  const agent = await run.actor('agent');
  const page = agent.page;
  await agent.goto('/gestion/', 'ouvre l’espace des agents');
  await agent.step('se trompe de mot de passe', async () => {
    await page.getByLabel('Adresse e-mail').fill(logins.accueil);
    await page.getByLabel('Mot de passe').fill('pas-le-bon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
  });
  assert.equal(await page.getByLabel('Adresse e-mail').inputValue(), logins.accueil, 'the address typed is kept');
  await agent.step('a oublié son mot de passe', () => page.getByRole('link', { name: 'Mot de passe oublié' }).click());
  await agent.step('demande un lien sans adresse', () => page.getByRole('button', { name: 'Recevoir le lien' }).click());

  const admin = await run.actor('administrateur');
  await signIn(admin, 'admin@plassans.fr');
  const ap = admin.page;
  await admin.step('ouvre les agents', () => ap.getByRole('link', { name: 'Agents' }).click());
  await admin.step('ajoute un agent sans rien remplir', () => ap.getByRole('button', { name: "Ajouter l'agent" }).click());
  await errorSummary(admin, 3);
  await admin.step('ouvre les profils', () => ap.getByRole('link', { name: 'Profils' }).click());
  await admin.step('ajoute un profil sans nom', () => ap.getByRole('button', { name: 'Ajouter le profil' }).click());
  await errorSummary(admin, 1);
  await admin.step('ouvre les services', () => ap.getByRole('link', { name: 'Services' }).click());
  await admin.step('ajoute un service sans rien remplir', () => ap.getByRole('button', { name: 'Ajouter le service' }).click());
  await errorSummary(admin, 2);
  await admin.step('ouvre la fiche de la commune', () => ap.getByRole('link', { name: 'Commune', exact: true }).click());
  await admin.step('choisit une couleur trop claire et un horaire à l’envers', async () => {
    await ap.getByLabel('Couleur de la commune').fill('#ffff00');
    await ap.getByLabel('Mardi', { exact: true }).fill('12:00-08:30');
    await ap.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  });
  await errorSummary(admin, 2);
  assert.equal(await ap.getByLabel('Mardi', { exact: true }).inputValue(), '12:00-08:30', 'the hours typed are kept');
  await admin.step('ouvre le calendrier', () => ap.getByRole('link', { name: 'Calendrier' }).click());
  await admin.step('ajoute une fermeture sans rien remplir', () => ap.getByRole('button', { name: 'Ajouter la fermeture' }).click());
  await errorSummary(admin, 3);
  await admin.step('essaie un délai de deux heures ouvrées', async () => {
    await ap.getByLabel('Date de départ').fill('2026-09-08');
    await ap.getByLabel('Heure de départ').fill('11:00');
    await ap.getByLabel('Délai').fill('2');
    await ap.getByLabel('Unité').selectOption('heures_ouvrees');
    await ap.getByRole('button', { name: "Calculer l'échéance" }).click();
  });
  await assertSays(ap, 'échoit le mardi 8\u00a0septembre 2026 à 14\u00a0h\u00a030'); // non-breaking spaces, as French text writes them

  const supervisor = await run.actor('superviseur');
  await signIn(supervisor, logins.supervisor);
  await openDemand(supervisor, reference, 'Toutes les demandes');
  await supervisor.step('ouvre la version imprimable', () => supervisor.page.getByRole('link', { name: 'Version imprimable' }).click());
  await assertSays(supervisor.page, reference, 'Une branche menace de tomber');
  await supervisor.step('ouvre son profil', () => supervisor.page.getByRole('link', { name: 'Mon profil' }).click());
  await supervisor.step('ne veut plus aucun e-mail', async () => {
    for (const never of await supervisor.page.getByRole('radio', { name: 'Jamais' }).all()) await never.check();
    await supervisor.page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
  });
  await assertSays(supervisor.page, 'Vous ne recevrez plus aucun e-mail');
});

scenario('listes des demandes : chaque colonne visible à 1 280 px ; une demande revient à sa liste filtrée', async (run) => {
  const citizen = await run.actor('usager');
  const reference = await submitSignalement(citizen, {
    email: 'marie-christine.delacroix-fontaine@exemple.fr', name: 'Marie-Christine Delacroix-Fontaine',
    categorie: 'Éclairage public', lieu: 'Boulevard de la République', description: 'Trois lampadaires éteints depuis lundi.',
  });

  const accueil = await run.actor('accueil');
  await signIn(accueil, logins.accueil);
  await assertSays(accueil.page, reference);
  await columnsInView(accueil, 'la liste de l’accueil');

  const supervisor = await run.actor('superviseur');
  const sp = supervisor.page;
  await signIn(supervisor, logins.supervisor);
  await supervisor.step('ouvre toutes les demandes', () => sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Toutes les demandes' }).click());
  await columnsInView(supervisor, 'la liste du superviseur');
  await supervisor.step('ne garde que les demandes à vérifier', async () => {
    await sp.getByLabel('Statut', { exact: true }).selectOption({ label: "À vérifier par l'accueil" });
    await sp.waitForURL(/etat=submitted/);
  });
  await supervisor.step(`ouvre la demande ${reference}`, () => sp.getByRole('link', { name: reference, exact: true }).click());
  await sp.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
  await supervisor.step('revient à la liste', () => sp.getByRole('link', { name: '← Retour à la liste' }).click());
  assert.equal(new URL(sp.url()).pathname, '/gestion/supervision', 'back to the list the demand was opened from');
  assert.equal(await sp.getByLabel('Statut', { exact: true }).inputValue(), 'submitted', 'the list keeps its filter');
});
