// The three cases of the processing cycle, end to end, each person in their
// own browser, every e-mail read in the development mailbox and every link
// followed from it; then case C, the longest, again with the keyboard only.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import {
  agentAct, assertSays, logins, openDemand, openFollowLink, openServiceLink,
  serviceAct, signIn, submitSignalement,
} from '../lib/guichet.mjs';
import { openMail } from '../lib/mail.mjs';

const confirm = {
  accept: "Je confirme l'acceptation de cette demande.",
  refuse: 'Je confirme le refus de cette demande.',
  correction: "Je confirme l'envoi de cette demande de correction à l'usager.",
  transfer: 'Je confirme la transmission à ce service.',
};

// decisionSeen: the citizen reads the decision's e-mail, follows its link
// and finds the decision on the follow page.
async function decisionSeen(citizen, { email, reference, word, label, says = [] }) {
  const mail = await openFollowLink(citizen, { email, subject: `Demande ${reference} ${word}` });
  for (const t of says) assert.ok(mail.text.includes(t), `the e-mail « ${mail.subject} » does not say « ${t} »:\n${mail.text}`);
  await assertSays(citizen.page, reference, label, ...says);
}

async function caseA(run) {
  const lea = { email: `lea.a${run.keyboard ? '.clavier' : ''}@exemple.fr`, name: 'Léa Martin' };
  const citizen = await run.actor('usager');
  const accueil = await run.actor('accueil');

  const accepted = await submitSignalement(citizen, { ...lea, categorie: 'Éclairage public', lieu: '12 rue des Tanneurs', description: 'Le lampadaire devant le numéro 12 est éteint depuis une semaine.' });
  const received = await openMail(citizen, { to: lea.email, subject: `Demande ${accepted} bien reçue` });
  assert.ok(received.text.includes(accepted));

  await signIn(accueil, logins.accueil);
  await openDemand(accueil, accepted);
  await assertSays(accueil.page, 'Le lampadaire devant le numéro 12', "À vérifier par l'accueil");
  await agentAct(accueil, 'Accepter la demande', { confirm: confirm.accept });
  await assertSays(accueil.page, 'Acceptée', 'Demande acceptée');
  await decisionSeen(citizen, { ...lea, reference: accepted, word: 'acceptée', label: 'Acceptée', says: ['a été acceptée'] });

  const motive = "Ce panneau est sur une route départementale : adressez-vous au Département, service des routes.";
  const refused = await submitSignalement(citizen, { ...lea, categorie: 'Signalisation', lieu: 'Route de Marseille, sortie de la commune', description: 'Le panneau de limitation à 50 est couché.' });
  await openDemand(accueil, refused);
  await agentAct(accueil, 'Refuser la demande', { message: motive, confirm: confirm.refuse });
  await assertSays(accueil.page, 'Refusée', 'Demande refusée', motive);
  await decisionSeen(citizen, { ...lea, reference: refused, word: 'refusée', label: 'Refusée', says: [motive] });
}

async function caseB(run) {
  const tom = { email: `tom.b${run.keyboard ? '.clavier' : ''}@exemple.fr`, name: 'Tom Garcia' };
  const citizen = await run.actor('usager');
  const accueil = await run.actor('accueil');

  const reference = await submitSignalement(citizen, { ...tom, categorie: 'Voirie et trottoirs', lieu: 'Rue de la République', description: 'Un nid-de-poule profond sur la chaussée.' });

  const ask = 'Indiquez le numéro de la rue le plus proche du nid-de-poule, svp.';
  await signIn(accueil, logins.accueil);
  await openDemand(accueil, reference);
  await agentAct(accueil, 'Demander une correction', { message: ask, confirm: confirm.correction });
  await assertSays(accueil.page, 'En attente de correction', ask);

  const mail = await openFollowLink(citizen, { email: tom.email, subject: `Demande ${reference} : une correction est nécessaire` });
  assert.ok(mail.text.includes(ask), `the correction e-mail does not carry the accueil's message:\n${mail.text}`);
  const page = citizen.page;
  await assertSays(page, 'Ce que la mairie vous demande', ask);
  await citizen.step('corrige et renvoie sa demande', async () => {
    await citizen.fill(page.getByLabel('Lieu du problème'), 'Devant le 48 rue de la République');
    await citizen.click(page.getByRole('button', { name: 'Renvoyer ma demande corrigée' }));
  });
  await assertSays(page, "En cours de vérification", 'Devant le 48 rue de la République');

  await openDemand(accueil, reference);
  await assertSays(accueil.page, "À vérifier par l'accueil", 'Devant le 48 rue de la République', "Demande corrigée par l'usager");
  await agentAct(accueil, 'Accepter la demande', { confirm: confirm.accept });
  await assertSays(accueil.page, 'Demande acceptée');
  await decisionSeen(citizen, { ...tom, reference, word: 'acceptée', label: 'Acceptée', says: ['a été acceptée'] });
}

async function caseC(run) {
  const ines = { email: `ines.c${run.keyboard ? '.clavier' : ''}@exemple.fr`, name: 'Inès Moreau' };
  const citizen = await run.actor('usager');
  const accueil = await run.actor('accueil');
  const voirie = await run.actor('service Voirie');
  const urbanisme = await run.actor('service Urbanisme');
  const supervisor = await run.actor('superviseur');

  const reference = await submitSignalement(citizen, { ...ines, categorie: 'Autre', lieu: 'Place du Marché', description: 'Une palissade de chantier sans autorisation visible empiète sur la place.' });

  await signIn(accueil, logins.accueil);
  await openDemand(accueil, reference);
  await agentAct(accueil, 'Transmettre à un service', { service: 'Voirie', confirm: confirm.transfer });
  await assertSays(accueil.page, 'Transmise à un service', 'Voirie');
  await openMail(citizen, { to: ines.email, subject: `Demande ${reference} transmise au service Voirie` });

  // Voirie asks the citizen for a detail.
  await openServiceLink(voirie, { email: 'voirie@plassans.fr', subject: `Demande ${reference} à traiter` });
  await assertSays(voirie.page, reference, 'Une palissade de chantier');
  await voirie.step('ouvre la version imprimable', () => voirie.click(voirie.page.getByRole('link', { name: 'Version imprimable' })));
  await assertSays(voirie.page, reference, 'Une palissade de chantier');
  await voirie.step('revient à la demande', () => voirie.page.goBack());
  const ask = 'Depuis quand la palissade est-elle là, et devant quel commerce ?';
  await serviceAct(voirie, "Demander une correction à l'usager", { label: "Message à l'usager", message: ask, button: 'Demander une correction…' });

  await openFollowLink(citizen, { email: ines.email, subject: `Demande ${reference} : une correction est nécessaire` });
  await assertSays(citizen.page, ask);
  await citizen.step('corrige et renvoie sa demande', async () => {
    await citizen.fill(citizen.page.getByLabel('Description'), 'Une palissade de chantier empiète sur la place depuis lundi, devant la boulangerie.');
    await citizen.click(citizen.page.getByRole('button', { name: 'Renvoyer ma demande corrigée' }));
  });

  // The demand comes back to Voirie, which finds it is not theirs.
  await openServiceLink(voirie, { email: 'voirie@plassans.fr', subject: `Demande ${reference} corrigée par l'usager` });
  await assertSays(voirie.page, 'devant la boulangerie');
  const why = "Une palissade de chantier relève des autorisations d'urbanisme, pas de la voirie.";
  await serviceAct(voirie, "Renvoyer à l'accueil", { label: 'Motif du renvoi', message: why, button: "Renvoyer à l'accueil…" });

  // The accueil is told, opens the demand from its e-mail, transfers again.
  await openMail(accueil, { to: logins.accueil, subject: `Demande ${reference} renvoyée à l'accueil par Voirie` });
  await accueil.step('ouvre la demande depuis l’e-mail', () => accueil.click(accueil.page.getByRole('link', { name: /\/gestion\/demandes\// })));
  await assertSays(accueil.page, "Renvoyée à l'accueil", why);
  await agentAct(accueil, 'Transmettre à un service', { service: 'Urbanisme', confirm: confirm.transfer });

  await openServiceLink(urbanisme, { email: 'urbanisme@plassans.fr', subject: `Demande ${reference} à traiter` });
  await assertSays(urbanisme.page, 'devant la boulangerie');
  await serviceAct(urbanisme, 'Accepter la demande', { button: 'Accepter…' });
  await assertSays(urbanisme.page, 'Acceptée');

  await decisionSeen(citizen, { ...ines, reference, word: 'acceptée', label: 'Acceptée', says: ['a été acceptée'] });

  // The supervisor sees the demand among all the commune's, and every step.
  await signIn(supervisor, logins.supervisor);
  const sp = supervisor.page;
  await supervisor.step('ouvre les indicateurs', () => supervisor.click(sp.getByRole('link', { name: 'Indicateurs' })));
  await supervisor.step('ouvre toutes les demandes', () => supervisor.click(sp.getByRole('link', { name: 'Toutes les demandes' })));
  const row = await sp.getByRole('row').filter({ hasText: reference }).innerText();
  assert.ok(row.includes('Acceptée') && row.includes('Urbanisme'), `the supervisor's list shows: ${row}`);
  await openDemand(supervisor, reference, 'Toutes les demandes');
  const history = sp.getByRole('list').filter({ has: sp.getByText('Demande déposée') });
  const steps = await history.locator(':scope > li').allInnerTexts();
  const expected = [
    'Demande déposée', 'Transmise au service Voirie', "Correction demandée à l'usager", ask,
    "Demande corrigée par l'usager", 'devant la boulangerie', "Renvoyée à l'accueil", why,
    'Transmise au service Urbanisme', 'Demande acceptée',
  ];
  // Every step, in order, with its message (other entries may come between).
  let at = 0;
  for (const want of expected) {
    while (at < steps.length && !steps[at].includes(want)) at++;
    assert.ok(at < steps.length, `the history lacks « ${want} » in its place:\n${steps.join('\n---\n')}`);
  }
  // Who opened the demand is the supervisor's to see, apart from its history.
  const opened = await sp.getByRole('region', { name: 'Consultations' }).innerText();
  for (const who of ['Voirie', 'Urbanisme']) {
    assert.ok(opened.includes(who), `the consultations do not name ${who}:\n${opened}`);
  }
  await assertSays(sp, 'Acceptée', 'Urbanisme');
}

scenario('A — l’accueil accepte une demande et en refuse une autre avec un motif', caseA);
scenario('B — correction demandée par l’accueil, faite par l’usager depuis l’e-mail, puis acceptée', caseB);
scenario('C — service, correction, renvoi à l’accueil, autre service qui accepte ; le superviseur voit tout', caseC);
scenario('C au clavier seulement, pour chacun', caseC, { keyboard: true });
