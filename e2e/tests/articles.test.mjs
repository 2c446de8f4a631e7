// Help articles (issue 18) and published duties (issue 17), end to end: a
// citizen describes her question on "Contacter la mairie", the article
// that answers it is suggested as she types, she reads it and says "Cela
// répond à ma question", and stops there; without the script, the first
// step lists the same article above the whole form. The supervisor's
// indicators count it. An agent writes an article (preview, then save) and
// inserts an article's link in a reply from the composer. The footer's
// accessibility statement, legal notices and personal data pages, and the
// admin's page that edits them, are visited. Every page is checked by the
// harness (axe-core, reflow, script errors, Nu Html Checker).

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { assertSays, describeQuestion, logins, mainText, portal, signIn } from '../lib/guichet.mjs';

const article = 'Jours de collecte des poubelles';
const question = 'Quand passe le camion des poubelles dans ma rue ?';

// articleCounts reads the indicators' line of an article: views, answered, opened.
async function articleCounts(page, title) {
  const row = page.locator('table.indicators-articles tbody tr', { has: page.locator('th', { hasText: title }) });
  return (await row.locator('td').allInnerTexts()).map((t) => t.trim());
}

scenario('articles : une usagère trouve la réponse depuis « Contacter la mairie » et s’arrête là', async (run) => {
  const citizen = await run.actor('usagère');
  const cp = citizen.page;
  await citizen.goto(portal, 'ouvre le portail de la commune');
  await citizen.step('choisit « Écrire à la mairie »', () => citizen.click(cp.getByRole('link', { name: 'Écrivez à la mairie' })));
  await citizen.step('décrit sa question, lettre à lettre', async () => {
    await cp.getByLabel('Votre question').pressSequentially(question, { delay: 15 });
    await cp.locator('#suggestions').getByRole('link', { name: article }).waitFor();
  });
  await citizen.step('ouvre l’article suggéré', () => citizen.click(cp.locator('#suggestions').getByRole('link', { name: article })));
  await cp.getByRole('heading', { level: 1, name: article }).waitFor();
  const foot = await cp.locator('.article-updated').innerText();
  assert.match(foot, /^Mis à jour le \d\d\/\d\d\/\d{4}$/, `the article's foot says « ${foot} »`);
  await citizen.step('dit que cela répond à sa question', () => citizen.click(cp.getByRole('button', { name: 'Cela répond à ma question' })));
  await assertSays(cp, 'Tant mieux', 'Vous n\'avez rien d\'autre à faire.');

  // Without the script, the first step's "Continuer" lists the same
  // article above the whole form, the subject started with the question.
  await citizen.goto('/c/plassans/contact', 'revient à « Contacter la mairie »');
  await describeQuestion(citizen, question);
  await assertSays(cp, 'Ces articles répondent peut-être à votre question', article);
  assert.equal(await cp.getByLabel('Objet').inputValue(), question);

  // The published duties, from every page's footer.
  const footer = cp.locator('footer');
  await citizen.step('ouvre la déclaration d’accessibilité', () => citizen.click(footer.getByRole('link', { name: 'Accessibilité : non conforme' })));
  await assertSays(cp, 'Déclaration d\'accessibilité', 'RGAA', 'Défenseur des droits');
  await citizen.step('ouvre les mentions légales', () => citizen.click(footer.getByRole('link', { name: 'Mentions légales' })));
  await assertSays(cp, 'Directeur de la publication', 'Le maire de Plassans');
  await citizen.step('ouvre la page des données personnelles', () => citizen.click(footer.getByRole('link', { name: 'Données personnelles' })));
  await assertSays(cp, '12\u00a0mois après la décision', 'CNIL');
  await citizen.goto('/c/plassans/aide', 'ouvre l’aide de la mairie');
  await assertSays(cp, article);

  // The supervisor sees it counted: one view, one "answered", no message.
  const supervisor = await run.actor('superviseur');
  const sp = supervisor.page;
  await signIn(supervisor, logins.supervisor);
  await supervisor.step('ouvre les indicateurs', () => supervisor.click(sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Indicateurs' })));
  assert.deepEqual(await articleCounts(sp, article), ['1', '1', '0'], 'the article is not counted as read and answered once');
});

scenario('articles : un agent écrit un article et en insère le lien dans une réponse', async (run) => {
  const accueil = await run.actor('accueil');
  const ap = accueil.page;
  await signIn(accueil, logins.accueil);
  await accueil.step('ouvre « Articles »', () => accueil.click(ap.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Articles' })));
  await accueil.step('écrit un article', () => accueil.click(ap.getByRole('link', { name: 'Écrire un article' })));
  await accueil.step('le prévisualise', async () => {
    await accueil.fill(ap.getByLabel('Titre'), 'Inscription sur les listes électorales');
    await accueil.fill(ap.getByLabel('Texte'), 'Inscrivez-vous **en ligne** ou en mairie, avec une pièce d’identité.\n\n<script>alert(1)</script>');
    await accueil.tick(ap.getByLabel('Article public : sur le portail et proposé aux usagers'));
    await accueil.click(ap.getByRole('button', { name: 'Aperçu' }));
  });
  assert.equal(await ap.locator('.article-preview strong').innerText(), 'en ligne');
  assert.equal(await ap.locator('.article-preview script').count(), 0, 'the preview runs a script');
  await accueil.step('l’enregistre', () => accueil.click(ap.getByRole('button', { name: 'Enregistrer l\'article' })));
  await assertSays(ap, 'Article enregistré.', 'Mis à jour le');
  await accueil.step('le voit sur le portail', () => accueil.click(ap.getByRole('link', { name: 'Voir sur le portail' })));
  await ap.getByRole('heading', { level: 1, name: 'Inscription sur les listes électorales' }).waitFor();

  await accueil.goto('/gestion/messages?vue=ouvertes', 'ouvre les conversations ouvertes');
  await accueil.step('ouvre une conversation', () => accueil.click(ap.locator('main table.demand-table tbody a').first()));
  const box = ap.getByLabel("Message à l'usager");
  await accueil.step('insère le lien d’un article dans sa réponse', async () => {
    await accueil.fill(box, 'Bonjour,');
    await accueil.choose(ap.getByLabel('Article public'), article);
    await accueil.click(ap.getByRole('button', { name: 'Insérer le lien dans la réponse' }));
  });
  const typed = await box.inputValue();
  assert.ok(typed.startsWith('Bonjour,\n' + article + ' : ') && typed.includes('/c/plassans/aide/jours-de-collecte-des-poubelles'), `the reply reads « ${typed} »`);

  const admin = await run.actor('administratrice');
  await signIn(admin, 'admin@plassans.fr');
  await admin.step('ouvre « Informations légales »', () => admin.click(admin.page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Informations légales' })));
  assert.ok((await mainText(admin.page)).includes('Déclaration d\'accessibilité (RGAA 4.1)'));
});
