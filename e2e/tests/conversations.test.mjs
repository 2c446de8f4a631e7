// Conversations (issue 14), end to end: a citizen lost between
// administrations writes from the portal's "Contacter la mairie"; the
// accueil replies, adds a note, tags, forwards the message to another
// administration; the citizen answers from the e-mailed link; the accueil
// resolves it; the citizen writes again and it reopens. Every page is
// checked by the harness (axe-core, reflow, script errors, Nu Html Checker).

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { assertSays, contactCommune, logins, mainText, signIn } from '../lib/guichet.mjs';
import { openMail } from '../lib/mail.mjs';

const camille = { email: 'camille.perdue@exemple.fr', name: 'Camille Roux' };
const subject = 'Aide au logement';
const question = "Bonjour, je ne sais pas à qui demander une aide pour payer mon loyer : la CAF, la mairie ou le département ?";
const reply = "Bonjour, la mairie ne verse pas cette aide : nous transmettons votre message à la CAF, qui est compétente.";
const note = 'Troisième appel de cette usagère cette semaine : à suivre.';
const answer = "Merci, j'attends donc la réponse de la CAF.";
const again = "La CAF m'a répondu, mais il me faut une attestation de la mairie.";

// followConversationLink opens the newest mail to the citizen matching
// subject and follows its link to the conversation.
async function followConversationLink(citizen, wanted) {
  const mail = await openMail(citizen, { to: camille.email, subject: wanted });
  await citizen.step('suit le lien de l’e-mail', () => citizen.click(citizen.page.getByRole('link', { name: /\/messages\// }).first()));
  await citizen.page.getByRole('heading', { level: 1, name: subject }).waitFor();
  return mail;
}

// citizenWrites sends a message from the citizen's conversation page.
async function citizenWrites(citizen, text) {
  const page = citizen.page;
  await citizen.step('écrit à la mairie', async () => {
    await citizen.fill(page.getByLabel('Votre message'), text);
    await citizen.click(page.getByRole('button', { name: 'Envoyer mon message' }));
  });
  await assertSays(page, text);
}

// setStatus changes the conversation's status from its page.
async function setStatus(agent, label) {
  const page = agent.page;
  await agent.step(`passe la conversation en « ${label} »`, async () => {
    await agent.choose(page.getByLabel('Statut'), label);
    await agent.click(page.getByRole('button', { name: 'Changer le statut' }));
  });
  await assertSays(page, 'Statut changé.');
}

scenario('conversation : une usagère perdue écrit, la mairie répond, transfère, résout, puis rouvre', async (run) => {
  const citizen = await run.actor('usagère');
  const accueil = await run.actor('accueil');
  const cp = citizen.page;

  // The citizen writes from the portal.
  const reference = await contactCommune(citizen, { subject, question, ...camille });
  await assertSays(cp, question);
  const opened = await openMail(citizen, { to: camille.email, subject: reference });
  assert.ok(opened.text.includes(question), `the first e-mail does not carry the message:\n${opened.text}`);

  // The accueil finds it in "Messages", replies, adds a note, tags.
  const ap = accueil.page;
  await signIn(accueil, logins.accueil);
  await accueil.step('ouvre « Messages »', () => accueil.click(ap.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Messages' })));
  await accueil.step('cherche « logement »', async () => {
    await accueil.fill(ap.getByLabel('Rechercher'), 'logement');
    await accueil.click(ap.getByRole('button', { name: 'Filtrer' }));
  });
  await accueil.step('ouvre la conversation', () => accueil.click(ap.getByRole('link', { name: subject })));
  await assertSays(ap, question, camille.email, reference);
  const conversationURL = ap.url();
  await accueil.step("répond à l'usagère", async () => {
    await accueil.fill(ap.getByLabel("Message à l'usager"), reply);
    await accueil.click(ap.getByRole('button', { name: "Envoyer à l'usager" }));
  });
  await assertSays(ap, "Message envoyé à l'usager.", reply);
  await accueil.step('ajoute une note interne', async () => {
    await accueil.fill(ap.getByLabel("Note pour l'équipe"), note);
    await accueil.click(ap.getByRole('button', { name: 'Enregistrer la note' }));
  });
  await assertSays(ap, "L'usager ne la voit pas.", note);
  await accueil.step('ajoute une étiquette', async () => {
    await accueil.fill(ap.getByLabel('Ajouter une étiquette'), 'usager perdu');
    await accueil.click(ap.getByRole('button', { name: "Ajouter l'étiquette" }));
  });
  await assertSays(ap, 'usager perdu');

  // Forwarded to another administration: it is told, and so is the citizen.
  const forward = ap.locator('details', { has: ap.locator('summary', { hasText: 'Transférer à un autre interlocuteur' }) });
  await accueil.step('transfère le message à la CAF', async () => {
    await accueil.click(forward.locator('summary'));
    // The citizen's messages are offered by date and first words: hers is the only one.
    const which = forward.getByLabel("Message de l'usager à transférer");
    await accueil.choose(which, (await which.locator('option').nth(1).textContent()).trim());
    await accueil.fill(forward.getByLabel('Adresse du destinataire'), 'accueil@caf.exemple.fr');
    await accueil.fill(forward.getByLabel('Note pour le destinataire (facultatif)'), 'Pouvez-vous répondre à cette habitante ?');
    await accueil.click(forward.getByRole('button', { name: 'Transférer le message' }));
  });
  await assertSays(ap, 'transfert', 'accueil@caf.exemple.fr');
  const outside = await openMail(accueil, { to: 'accueil@caf.exemple.fr', subject: reference });
  assert.ok(outside.text.includes(question) && outside.text.includes('Pouvez-vous répondre'), `the forwarded e-mail:\n${outside.text}`);
  assert.ok(!outside.text.includes(note), 'the internal note was forwarded');

  // The citizen answers from the e-mailed link; the note is nowhere.
  const replied = await followConversationLink(citizen, `Re : ${subject} [${reference}]`);
  assert.ok(!replied.text.includes(note), 'the internal note reached the citizen by e-mail');
  await assertSays(cp, reply, 'accueil@caf.exemple.fr');
  assert.ok(!(await mainText(cp)).includes(note), 'the internal note is on the citizen’s page');
  await citizenWrites(citizen, answer);

  // The accueil reads it and resolves the conversation.
  await accueil.goto(conversationURL, 'revient à la conversation');
  await assertSays(ap, answer);
  await setStatus(accueil, 'Résolue');
  await assertSays(ap, 'Résolue');

  // The citizen writes again: it reopens.
  await citizen.step('revient sur sa conversation', () => cp.reload());
  await assertSays(cp, 'Cette conversation est résolue. Si vous écrivez de nouveau, la mairie la rouvrira.');
  await citizenWrites(citizen, again);
  await accueil.goto(conversationURL, 'revient à la conversation');
  await assertSays(ap, again, 'Rouverte par un message de l\'usager', 'Ouverte');
});
