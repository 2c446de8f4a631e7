// Escalation to level 2 (issue 16, item 3), end to end: a citizen writes
// from "Contacter la mairie"; the accueil (no "Référent") sees no way to
// escalate; the referent escalates to the Voirie with a reformulation (an
// empty one refused in French); the referent's confirmation and level 2's
// notice arrive; level 2 answers from its link; the citizen reads the answer
// on the conversation page; the link then gives nothing. Every page is
// checked by the harness (axe-core, reflow, script errors, Nu Html Checker).

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { assertSays, contactCommune, logins, mainText, signIn } from '../lib/guichet.mjs';
import { openMail } from '../lib/mail.mjs';

const dominique = { email: 'dominique.escalade@exemple.fr', name: 'Dominique Blanc' };
const subject = 'Lampadaire qui clignote';
const question = 'Bonjour, le lampadaire devant le 12 rue de la Banne clignote toute la nuit depuis un mois.';
const problem = 'Lampadaire 12 rue de la Banne : signalé deux fois, le prestataire ne répond pas ; il faut une intervention de la Voirie.';
const answer = 'Bonjour, le prestataire remplacera le lampadaire jeudi matin. Le service Voirie.';
const referent = 'referent@plassans.fr';

scenario('escalade : le référent escalade à la Voirie, qui répond à l’usager', async (run) => {
  const citizen = await run.actor('usager');
  const cp = citizen.page;
  const reference = await contactCommune(citizen, { subject, question, ...dominique });
  const conversationPage = cp.url();

  // The accueil, who is no referent, is offered no escalation.
  const accueil = await run.actor('accueil');
  const ap = accueil.page;
  await signIn(accueil, logins.accueil);
  await accueil.goto('/gestion/messages', 'ouvre « Messages »');
  await accueil.step('ouvre la conversation', () => accueil.click(ap.getByRole('link', { name: subject })));
  await assertSays(ap, question);
  assert.equal(await ap.getByText('Escalader au niveau 2').count(), 0, 'a non-referent is offered to escalate');
  const conversationURL = ap.url();

  // The referent escalates; an empty reformulation is refused.
  const ref = await run.actor('référent');
  const rp = ref.page;
  await signIn(ref, referent);
  await ref.goto(new URL(conversationURL).pathname, 'ouvre la conversation');
  const form = rp.locator('details', { has: rp.locator('summary', { hasText: 'Escalader au niveau 2' }) });
  await ref.step('ouvre « Escalader au niveau 2 »', () => ref.click(form.locator('summary')));
  await ref.step('escalade sans reformuler', async () => {
    await ref.choose(form.getByLabel('Niveau 2'), 'Service Voirie');
    await ref.click(form.getByRole('button', { name: 'Escalader' }));
  });
  await assertSays(rp, 'Reformulez le problème pour le niveau 2');
  await ref.step('reformule et escalade', async () => {
    await ref.fill(rp.getByLabel('Reformulation du problème'), problem);
    await ref.click(rp.getByRole('button', { name: 'Escalader', exact: true }));
  });
  await assertSays(rp, 'Escalade envoyée au niveau 2', 'Escaladée au niveau 2');

  // Both e-mails arrive.
  const confirmation = await openMail(ref, { to: referent, subject: `Escalade envoyée : ${subject}` });
  assert.ok(confirmation.text.includes(problem) && confirmation.text.includes('voirie@plassans.fr'), `the referent's confirmation:\n${confirmation.text}`);
  const voirie = await run.actor('voirie');
  const vp = voirie.page;
  const notice = await openMail(voirie, { to: 'voirie@plassans.fr', subject: `Escalade au niveau 2 : ${subject}` });
  assert.ok(notice.text.includes(problem) && notice.text.includes(reference), `level 2's notice:\n${notice.text}`);

  // Level 2 answers from its link.
  await voirie.step('suit le lien de l’e-mail', () => voirie.click(vp.getByRole('link', { name: /\/niveau2\// }).first()));
  await assertSays(vp, problem, question);
  await voirie.step('répond à l’usager', async () => {
    await voirie.fill(vp.getByLabel('Votre réponse'), answer);
    await voirie.click(vp.getByRole('button', { name: "Envoyer à l'usager" }));
  });
  await assertSays(vp, "Votre réponse a été envoyée à l'usager");

  // The citizen reads it on the conversation page, and by e-mail.
  await citizen.goto(new URL(conversationPage).pathname, 'revient sur sa conversation');
  await assertSays(cp, answer);
  const mailed = await openMail(citizen, { to: dominique.email, subject: `Re : ${subject}` });
  assert.ok(mailed.text.includes(answer), `the citizen's mail:\n${mailed.text}`);

  // The referent reads the steps in the history; level 2's link is dead.
  await ref.goto(new URL(conversationURL).pathname, 'revient sur la conversation');
  await assertSays(rp, 'Le niveau 2 (Voirie) a répondu à l\'usager', answer);
  const link = notice.links.find((l) => l.includes('/niveau2/'));
  await voirie.goto(new URL(link).pathname, 'rouvre le lien');
  await assertSays(vp, 'Escalade terminée');
  assert.ok(!(await mainText(vp)).includes(problem), 'an ended escalation still shows');
});
