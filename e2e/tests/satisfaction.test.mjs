// The citizen's word after the answer (issue 18, items 3 and 4), end to end:
// a citizen rates a decision 2 from the e-mailed link and the supervisor
// follows it up; an experience posted from "Je donne mon avis" goes through
// moderation (the personal data flagged), the service's answer from its
// link, its validation, and the author's rating. Every page is checked by
// the harness (axe-core, reflow, script errors, Nu Html Checker).

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { agentAct, assertSays, logins, mainText, openDemand, portal, signIn, submitSignalement } from '../lib/guichet.mjs';
import { openMail } from '../lib/mail.mjs';

// rate follows the rating link of the newest mail matching subject, and gives score.
async function rate(citizen, { email, subject, score, comment }) {
  await openMail(citizen, { to: email, subject });
  await citizen.step('suit le lien « Donner mon avis »', () => citizen.click(citizen.page.getByRole('link', { name: /\/evaluer\// }).first()));
  const page = citizen.page;
  await page.getByRole('heading', { level: 1, name: 'Donner mon avis' }).waitFor();
  await citizen.step(`donne la note ${score}`, async () => {
    const group = page.getByRole('group', { name: /Êtes-vous satisfait/ });
    await citizen.click(group.getByLabel(new RegExp(`^${score} —`)));
    if (comment) await citizen.fill(page.getByLabel('Un commentaire (facultatif)'), comment);
    await citizen.click(page.getByRole('button', { name: 'Envoyer mon avis' }));
  });
  await assertSays(page, 'Merci pour votre avis.');
}

scenario('satisfaction : une décision notée 2, suivie par le superviseur', async (run) => {
  const citizen = await run.actor('usager');
  const accueil = await run.actor('accueil');
  const supervisor = await run.actor('superviseur');
  const marc = { email: 'marc.note@exemple.fr', name: 'Marc Lantier' };
  const ref = await submitSignalement(citizen, { ...marc, categorie: 'Voirie et trottoirs', lieu: '3 rue de la Banne', description: 'Un trou dans la chaussée devant le numéro 3.' });
  await signIn(accueil, logins.accueil);
  await openDemand(accueil, ref);
  await agentAct(accueil, 'Accepter la demande', { confirm: "Je confirme l'acceptation de cette demande." });
  await assertSays(accueil.page, 'Demande acceptée');

  const comment = "Acceptée, mais personne ne m'a dit quand le trou serait bouché.";
  await rate(citizen, { email: marc.email, subject: `Demande ${ref} acceptée`, score: 2, comment });

  const sp = supervisor.page;
  await signIn(supervisor, logins.supervisor);
  await supervisor.step('ouvre « Satisfaction »', () => supervisor.click(sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Satisfaction' })));
  await assertSays(sp, 'Par équipe', 'Accueil');
  await supervisor.step('ouvre le suivi des notes basses', () => supervisor.click(sp.getByRole('link', { name: 'Suivi des notes basses' })));
  const item = sp.getByRole('region', { name: new RegExp(`Note 2/5 .* ${ref}`) });
  await assertSays(sp, comment, marc.email);
  assert.ok(await item.getByRole('link', { name: `la demande ${ref}` }).isVisible(), 'no link to the demand in the follow-up');
  await supervisor.step('note le suivi et le clôt', async () => {
    await supervisor.fill(item.getByLabel('Ce qui a été fait'), 'Appelé : les travaux sont prévus lundi.');
    await supervisor.click(item.getByRole('button', { name: 'Enregistrer et clore' }));
  });
  await assertSays(sp, 'Le suivi est noté et clos.', 'Appelé : les travaux sont prévus lundi.');
});

scenario('satisfaction : un avis modéré, orienté, répondu, validé et noté', async (run) => {
  const author = await run.actor('auteur');
  const supervisor = await run.actor('superviseur');
  const voirie = await run.actor('service Voirie');
  const ap = author.page;
  const email = 'avis.auteur@exemple.fr';
  const story = "Le trottoir de l'avenue du Mail est impraticable avec une poussette depuis un mois.";

  await author.goto(portal + 'avis', 'ouvre « Je donne mon avis »');
  await author.step('envoie un avis trop court', async () => {
    await author.fill(ap.getByLabel(/^Votre expérience/), 'Nul.');
    await author.fill(ap.getByLabel(/^Votre adresse e-mail/), email);
    await author.click(ap.getByRole('button', { name: 'Envoyer mon avis' }));
  });
  assert.equal(await ap.getByLabel(/^Votre adresse e-mail/).inputValue(), email, 'the address typed was lost');
  await author.step('raconte son expérience', async () => {
    await author.fill(ap.getByLabel(/^Votre expérience/), story);
    await author.choose(ap.getByLabel('Service concerné (facultatif)'), 'Voirie');
    await author.click(ap.getByRole('button', { name: 'Envoyer mon avis' }));
  });
  await assertSays(ap, 'votre avis est reçu');
  assert.ok(!(await mainText(ap)).includes('avenue du Mail'), 'the experience is public before moderation');

  const sp = supervisor.page;
  await signIn(supervisor, logins.supervisor);
  await supervisor.step('ouvre « Avis des usagers »', () => supervisor.click(sp.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Avis des usagers' })));
  await supervisor.step("ouvre l'avis à modérer", () => supervisor.click(sp.getByRole('link', { name: /service indiqué : Voirie/ })));
  await assertSays(sp, 'Données personnelles repérées', 'Aucune repérée');
  await supervisor.step("publie l'avis pour la Voirie", async () => {
    await supervisor.choose(sp.getByLabel(/^Service qui répondra/), 'Voirie');
    await supervisor.click(sp.getByRole('button', { name: 'Publier et transmettre au service' }));
  });
  await assertSays(sp, "L'avis est publié");

  await openMail(voirie, { to: 'voirie@plassans.fr', subject: 'Un avis d\'usager sur votre service est publié' });
  await voirie.step('suit le lien de l’e-mail', () => voirie.click(voirie.page.getByRole('link', { name: /\/service\/avis\// }).first()));
  const vp = voirie.page;
  const answer = 'Merci : le trottoir de l’avenue du Mail sera refait la semaine prochaine.';
  await voirie.step('répond publiquement', async () => {
    await voirie.fill(vp.getByLabel(/^Votre réponse/), answer);
    await voirie.click(vp.getByRole('button', { name: 'Enregistrer ma réponse' }));
  });
  await assertSays(vp, 'la mairie la relit avant de la publier');

  await supervisor.goto(sp.url(), "revient à l'avis");
  await supervisor.step('valide la réponse', () => supervisor.click(sp.getByRole('button', { name: 'Valider et publier la réponse' })));
  await assertSays(sp, 'La réponse est publiée', answer);

  await rate(author, { email, subject: 'Le service a répondu à votre avis', score: 5 });
  await author.goto(portal + 'avis', 'relit la page des avis');
  await assertSays(ap, 'avenue du Mail', answer, '5/5');
});
