// A new commune sets itself up and runs Guichet without anyone writing SQL
// (issue 13): the operator runs `guichet commune add`; its first admin
// follows the invitation from the mailbox, fills the commune's identity,
// builds a procedure in the editor with every field type and a condition,
// previews and publishes it, composes a profile and adds an agent with it; a
// citizen fills that procedure (a period ending before it starts is refused
// beside the field, the rest kept); the agent sees the demand, may decide,
// may not transfer; the admin edits the procedure, which makes a version 2,
// and the demand keeps showing its version 1.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { png, tempFile } from '../lib/files.mjs';
import { openMail } from '../lib/mail.mjs';
import { acceptInvitation, agentAct, assertSays, field, guichet, mainText, openDemand, openFollowLink } from '../lib/guichet.mjs';

// Names of their own, so that the scenario also runs against a kept
// development instance (make run) more than once.
const tag = Date.now().toString(36);
const slug = `saint-martin-${tag}`;
const commune = 'Saint-Martin-sur-Orne';
const portal = `/c/${slug}/`;
const people = {
  admin: { email: `maire-${tag}@saint-martin.fr`, name: 'Jeanne Maire', pass: 'la mairie ouvre à huit heures' },
  agent: { email: `instructeur-${tag}@saint-martin.fr`, name: 'Karim Instructeur', pass: 'je décide mais ne transmets pas' },
  citizen: { email: `lea.musique-${tag}@exemple.fr`, name: 'Léa Musique' },
};
const title = 'Réservation de la salle des fêtes';
const participants = { v1: 'Nombre de participants', v2: 'Nombre de personnes attendues' };

// The procedure's form: every type of field the editor offers, in the
// editor's words (forms/types.go), and a field shown only for a concert.
const fields = [
  { type: 'Titre de section', label: 'L’événement' },
  { type: 'Choix dans une liste', label: 'Type d’événement', name: 'type_evenement', required: true, options: ['Réunion', 'Concert', 'Repas'] },
  { type: 'Texte court', label: 'Nom du groupe', name: 'nom_groupe', required: true, showIf: ['Type d’événement (type_evenement)', 'Concert'] },
  { type: 'Période (date de début et date de fin)', label: 'Dates de réservation', name: 'dates', required: true },
  { type: 'Nombre', label: participants.v1, name: 'participants', required: true, min: '1', max: '300' },
  { type: 'Choix multiple (cases à cocher)', label: 'Équipements souhaités', name: 'equipements', options: ['Sonorisation', 'Tables', 'Chaises'] },
  { type: 'Date', label: 'Date de la visite des lieux', name: 'visite', help: 'Un jour de semaine, avant l’événement.' },
  { type: 'Texte long', label: 'Description de l’événement', name: 'description' },
  { type: 'Adresse e-mail', label: 'E-mail de l’organisateur', name: 'email_organisateur' },
  { type: 'Téléphone', label: 'Téléphone de l’organisateur', name: 'telephone' },
  { type: 'Adresse postale', label: 'Adresse de l’organisateur', name: 'adresse' },
  { type: 'Fichier joint', label: 'Attestation d’assurance', name: 'assurance' },
  { type: 'Case à cocher unique (oui ou non)', label: 'J’accepte le règlement de la salle', name: 'reglement', required: true },
];

// fieldBox is the editor's fieldset of field n (from 1): "Champ 3 : …".
const fieldBox = (page, n) => page.getByRole('group', { name: new RegExp(`^Champ ${n}(\\s|$)`) });

// addField fills the editor's field n (adding it first, but for the first
// one, which a new procedure already has: its type is changed instead).
async function addField(admin, n, f) {
  const page = admin.page;
  const box = fieldBox(page, n);
  if (n === 1) {
    await admin.step(`donne au champ 1 le type « ${f.type} »`, async () => {
      await admin.choose(field(box, 'Type'), f.type);
      await admin.click(box.getByRole('button', { name: 'Changer le type du champ 1' }));
    });
  } else {
    await admin.step(`ajoute le champ ${n} : ${f.type}`, async () => {
      await admin.choose(field(page, 'Type du champ à ajouter'), f.type);
      await admin.click(page.getByRole('button', { name: 'Ajouter le champ' }));
    });
  }
  assert.equal(await field(box, 'Type').evaluate((s) => s.selectedOptions[0].label), f.type);
  await admin.fill(box.getByLabel(/^Libellé/), f.label);
  if (f.name) await admin.fill(field(box, 'Nom technique'), f.name);
  if (f.help) await admin.fill(field(box, 'Aide'), f.help);
  if (f.required) await admin.tick(field(box, 'Réponse obligatoire'));
  if (f.options) await admin.fill(field(box, 'Choix proposés'), f.options.join('\n'));
  if (f.min) await admin.fill(field(box, 'Minimum'), f.min);
  if (f.max) await admin.fill(field(box, 'Maximum'), f.max);
  if (f.showIf) {
    await admin.choose(field(box, 'Afficher seulement si le champ'), f.showIf[0]);
    await admin.fill(box.getByLabel(/^vaut/), f.showIf[1]);
  }
}

scenario('une commune nouvelle s’installe : fiche, démarche construite et versionnée, profil, agent, demande', async (run) => {
  // The operator creates the commune and its first admin.
  const said = guichet('commune', 'add', '-slug', slug, '-name', 'Saint-Martin', '-admin-email', people.admin.email, '-admin-name', people.admin.name);
  assert.match(said, new RegExp(`Commune « Saint-Martin » créée, portail .*/c/${slug}/`));

  const admin = await run.actor('administratrice');
  const ap = admin.page;
  await acceptInvitation(admin, { ...people.admin, subject: 'Votre compte sur le guichet unique de Saint-Martin' });

  // The commune's identity: a colour too light first, refused with why.
  await admin.step('ouvre la fiche de la commune', () => admin.click(ap.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Commune', exact: true })));
  const identity = {
    'Nom de la commune': commune,
    'Adresse postale de la mairie': '1 place de la Mairie\n14000 Saint-Martin-sur-Orne',
    'Téléphone': '02 31 00 00 00',
    'Adresse e-mail de contact': `contact-${tag}@saint-martin.fr`,
    'Site internet (facultatif)': 'https://www.saint-martin.fr',
    'Lundi': '08:30-12:00, 13:30-17:00',
    'Mercredi': '08:30-12:00',
    'Précision sur les horaires (facultatif)': 'Fermé le samedi en août.',
    'Nom d\'expéditeur (facultatif)': 'Mairie de Saint-Martin-sur-Orne',
    'Adresse d\'expédition (facultatif)': `guichet-${tag}@saint-martin.fr`,
  };
  await admin.step('remplit la fiche avec une couleur trop claire', async () => {
    for (const [label, value] of Object.entries(identity)) await admin.fill(field(ap, label), value);
    await admin.fill(field(ap, 'Couleur de la commune'), '#f5c400');
    await admin.click(ap.getByRole('button', { name: 'Enregistrer la fiche' }));
  });
  await assertSays(ap, 'Cette couleur est trop claire : le texte blanc qui s\'y écrit n\'aurait qu\'un contraste de', 'Choisissez une teinte plus foncée.');
  for (const [label, value] of Object.entries(identity)) assert.equal(await field(ap, label).inputValue(), value, `${label} is kept`);
  await admin.step('choisit une couleur assez foncée', async () => {
    await admin.fill(field(ap, 'Couleur de la commune'), '#7a1f3d');
    await admin.click(ap.getByRole('button', { name: 'Enregistrer la fiche' }));
  });
  assert.equal(await field(ap, 'Couleur de la commune').inputValue(), '#7a1f3d');
  assert.equal(await field(ap, 'Nom de la commune').inputValue(), commune);
  await admin.step('envoie le logo', async () => {
    await field(ap, 'Nouveau logo').setInputFiles(tempFile('logo.png', png(600, 200, [31, 78, 140])));
    await admin.click(ap.getByRole('button', { name: 'Envoyer le logo' }));
  });
  await ap.getByRole('img', { name: 'Logo actuel de la commune' }).waitFor();

  // A service, so that a transfer would be possible for whoever may transfer.
  await admin.step('ouvre les services', () => admin.click(ap.getByRole('link', { name: 'Services', exact: true })));
  await admin.step('ajoute le service Culture', async () => {
    await admin.fill(field(ap, 'Nom du service'), 'Culture');
    await admin.fill(field(ap, 'Adresse e-mail du service'), `culture-${tag}@saint-martin.fr`);
    await admin.click(ap.getByRole('button', { name: 'Ajouter le service' }));
  });

  // The motif its demands will get, in the commune's tree.
  await admin.step('ouvre les motifs', () => admin.click(ap.getByRole('link', { name: 'Motifs', exact: true })));
  await admin.fill(field(ap, 'Nom'), 'Vie associative');
  await admin.step('ajoute un thème', () => admin.click(ap.getByRole('button', { name: 'Ajouter le motif' })));
  await assertSays(ap, 'Vie associative');

  // The procedure, built in the editor.
  await admin.step('ouvre les démarches', () => admin.click(ap.getByRole('link', { name: 'Démarches', exact: true })));
  await assertSays(ap, 'Aucune démarche pour l\'instant.');
  await admin.step('commence une démarche', () => admin.click(ap.getByRole('link', { name: 'Nouvelle démarche' })));
  await admin.fill(field(ap, 'Identifiant'), 'salle-des-fetes');
  await admin.fill(field(ap, 'Titre'), title);
  await admin.fill(field(ap, 'Description'), 'Réservez la salle des fêtes pour une réunion, un concert ou un repas.');
  await admin.fill(field(ap, 'Documents à avoir sous la main'), 'Attestation d’assurance responsabilité civile');
  await admin.choose(field(ap, 'Motif par défaut'), 'Vie associative');
  for (const [i, f] of fields.entries()) await addField(admin, i + 1, f);
  await admin.step('enregistre la démarche', () => admin.click(ap.getByRole('button', { name: 'Enregistrer', exact: true })));
  await assertSays(ap, `Démarche « ${title} » créée, non publiée`, 'Non publiée', 'Version 1 du');

  await admin.step('ouvre l’aperçu', () => admin.click(ap.getByRole('link', { name: 'Aperçu' })));
  await assertSays(ap, 'Aperçu', title, ...fields.filter((f) => !f.showIf).map((f) => f.label));
  const conditional = field(ap, 'Nom du groupe');
  assert.equal(await conditional.isVisible(), false, 'the band’s name is hidden until « Concert » is chosen');
  await admin.step('choisit « Concert » dans l’aperçu', () => admin.choose(field(ap, 'Type d’événement'), 'Concert'));
  assert.equal(await conditional.isVisible(), true, 'choosing « Concert » shows the band’s name');
  await admin.step('dépose l’aperçu sans rien d’autre', () => admin.click(ap.getByRole('button', { name: 'Déposer ma demande' })));
  await assertSays(ap, 'Aperçu : l\'usager verrait ces messages. Rien n\'a été enregistré.');
  const summary = ap.getByRole('alert').filter({ has: ap.getByRole('heading', { name: /Le formulaire contient/ }) });
  const hrefs = await summary.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['#champ-nom_groupe', '#champ-dates', '#champ-participants', '#champ-reglement'], 'the summary follows the form’s order');
  assert.equal(await field(ap, 'Type d’événement').evaluate((s) => s.selectedOptions[0].label), 'Concert', 'the choice is kept');
  await admin.step('revient à l’éditeur', () => admin.click(ap.getByRole('link', { name: 'Revenir à l\'éditeur' })));
  await admin.step('publie la démarche', () => admin.click(ap.getByRole('button', { name: 'Publier' })));
  await assertSays(ap, `Démarche « ${title} » publiée`, 'Publiée sur le portail');

  // A profile that sees and decides, and an agent who has it.
  await admin.step('ouvre les profils', () => admin.click(ap.getByRole('link', { name: 'Profils', exact: true })));
  await admin.step('compose le profil Instructeur', async () => {
    await admin.fill(field(ap, 'Nom du profil'), 'Instructeur');
    await admin.tick(field(ap, 'Voir les demandes'));
    await admin.tick(field(ap, 'Décider'));
    await admin.click(ap.getByRole('button', { name: 'Ajouter le profil' }));
  });
  const row = ap.getByRole('row').filter({ has: ap.getByRole('rowheader', { name: 'Instructeur', exact: true }) });
  assert.equal(await row.getByRole('cell').first().innerText(), 'Voir les demandes, Décider');
  await admin.step('ouvre les agents', () => admin.click(ap.getByRole('link', { name: 'Agents', exact: true })));
  await admin.step('ajoute l’agent instructeur', async () => {
    await admin.fill(field(ap, 'Nom'), people.agent.name);
    await admin.fill(field(ap, 'Adresse e-mail'), people.agent.email);
    await admin.tick(ap.getByRole('radio', { name: 'Instructeur' }));
    await admin.click(ap.getByRole('button', { name: 'Ajouter l\'agent' }));
  });
  await assertSays(ap, people.agent.email, 'Invité (mot de passe pas encore choisi)');

  const agent = await run.actor('instructeur');
  await acceptInvitation(agent, { ...people.agent, subject: 'Votre compte sur le guichet unique de Saint-Martin-sur-Orne' });

  // A citizen on the new commune's portal.
  const citizen = await run.actor('usagère');
  const cp = citizen.page;
  await citizen.goto(portal, 'ouvre le portail de la commune');
  // The banner: the logo (decorative, the commune's name beside it) and the accent colour.
  const logo = cp.getByRole('banner').getByRole('link', { name: commune }).locator('img');
  assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the banner shows the logo');
  assert.equal(await cp.getByRole('banner').evaluate((h) => getComputedStyle(h).backgroundColor), 'rgb(122, 31, 61)', 'the banner has the commune’s colour');
  assert.ok((await cp.locator('footer').innerText()).includes('02 31 00 00 00'), 'the contact card is in the footer');
  await citizen.step('choisit la démarche', () => citizen.click(cp.getByRole('link', { name: title })));
  await assertSays(cp, 'Attestation d’assurance responsabilité civile', participants.v1);
  await citizen.step('commence sa demande', async () => {
    await citizen.fill(field(cp, 'Votre adresse e-mail'), people.citizen.email);
    await citizen.fill(field(cp, 'Vos nom et prénom'), people.citizen.name);
    await citizen.click(cp.getByRole('button', { name: 'Commencer ma demande' }));
  });
  await assertSays(cp, 'Brouillon');
  const band = field(cp, 'Nom du groupe');
  assert.equal(await band.isVisible(), false, 'the band’s name is hidden at first');
  const period = cp.getByRole('group', { name: /^Dates de réservation/ });
  const answers = {
    'Nom du groupe': 'Les Cigales de l’Orne',
    [participants.v1]: '120',
    'Date de la visite des lieux': '2027-06-02',
    'Description de l’événement': 'Concert de printemps, buvette tenue par l’association.',
    'E-mail de l’organisateur': 'cigales@exemple.fr',
    'Téléphone de l’organisateur': '06 12 34 56 78',
    'Adresse de l’organisateur': '4 rue des Tilleuls, 14000 Saint-Martin-sur-Orne',
  };
  await citizen.step('remplit le formulaire, la fin de la période avant son début', async () => {
    await citizen.choose(field(cp, 'Type d’événement'), 'Concert');
    assert.equal(await band.isVisible(), true, 'choosing « Concert » shows the band’s name');
    for (const [label, value] of Object.entries(answers)) await citizen.fill(field(cp, label), value);
    await citizen.fill(period.getByLabel('Date de début'), '2027-06-20');
    await citizen.fill(period.getByLabel('Date de fin'), '2027-06-19');
    await citizen.tick(field(cp, 'Sonorisation'));
    await citizen.tick(field(cp, 'Chaises'));
    await citizen.tick(field(cp, 'J’accepte le règlement de la salle'));
    await field(cp, 'Attestation d’assurance').setInputFiles(tempFile('assurance.png', png(40, 40, [255, 255, 255])));
    await cp.getByRole('link', { name: 'assurance.png', exact: true }).waitFor();
    await citizen.click(cp.getByRole('button', { name: 'Déposer ma demande' }));
  });
  assert.ok((await period.innerText()).includes('La date de fin doit être postérieure ou égale à la date de début.'), `the period says why, beside it:\n${await period.innerText()}`);
  assert.equal(await period.getByLabel('Date de début').inputValue(), '2027-06-20', 'the start is kept');
  assert.equal(await period.getByLabel('Date de fin').inputValue(), '2027-06-19', 'the end is kept');
  for (const [label, value] of Object.entries(answers)) assert.equal(await field(cp, label).inputValue(), value, `${label} is kept`);
  assert.ok(await field(cp, 'Sonorisation').isChecked(), 'the boxes ticked are kept');
  assert.ok(await band.isVisible(), 'the band’s name is still shown');
  await assertSays(cp, 'assurance.png');
  await citizen.step('corrige la date de fin et dépose sa demande', async () => {
    await citizen.fill(period.getByLabel('Date de fin'), '2027-06-21');
    await citizen.click(cp.getByRole('button', { name: 'Déposer ma demande' }));
  });
  await cp.getByRole('heading', { level: 1, name: 'Votre demande a bien été déposée' }).waitFor();
  const reference = (await mainText(cp)).match(/Référence\s+(\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/)?.[1];
  assert.ok(reference, 'the confirmation page shows a reference');
  // The receipt comes from the sender the identity names.
  await openMail(citizen, { to: people.citizen.email, subject: `Demande ${reference} bien reçue` });
  await assertSays(cp, `"Mairie de Saint-Martin-sur-Orne" <guichet-${tag}@saint-martin.fr>`);

  // The agent sees it, may decide, may not transfer.
  const ag = agent.page;
  await openDemand(agent, reference);
  await assertSays(ag, title, 'Version 1 du', participants.v1, '120', 'Les Cigales de l’Orne', 'du 20/06/2027 au 21/06/2027', 'Sonorisation\nChaises', 'assurance.png');
  const actions = ag.locator('details > summary');
  assert.deepEqual(await actions.allInnerTexts(), ['Accepter la demande', 'Demander une correction', 'Refuser la demande']);
  assert.equal(await ag.getByRole('button', { name: /Transmettre/ }).count(), 0, 'no transfer for a profile without it');

  // The admin edits the published procedure: a version 2.
  await admin.step('ouvre les démarches', () => admin.click(ap.getByRole('link', { name: 'Démarches', exact: true })));
  await admin.step(`modifie « ${title} »`, () => admin.click(ap.getByRole('link', { name: `Modifier ${title}` })));
  await admin.step('renomme une question et enregistre', async () => {
    await admin.fill(fieldBox(ap, 5).getByLabel(/^Libellé/), participants.v2);
    await admin.click(ap.getByRole('button', { name: 'Enregistrer', exact: true }));
  });
  await assertSays(ap, 'Version 2 du');

  // The demand keeps its version 1, for the agent and for the citizen.
  await agent.step('recharge la demande', () => ag.reload());
  await assertSays(ag, 'Version 1 du', participants.v1);
  assert.ok(!(await mainText(ag)).includes(participants.v2), 'the demand shows the labels it was filled in with');
  await agentAct(agent, 'Accepter la demande', { confirm: "Je confirme l'acceptation de cette demande." });
  await assertSays(ag, 'Acceptée');

  await openFollowLink(citizen, { email: people.citizen.email, subject: `Demande ${reference} acceptée` });
  await assertSays(cp, 'Version 1 du', 'Acceptée', participants.v1, 'Les Cigales de l’Orne');
  assert.ok(!(await mainText(cp)).includes(participants.v2), 'the citizen’s page shows the labels the demand was filled in with');

  // The portal offers version 2.
  await citizen.goto(portal, 'revient au portail');
  await citizen.step('choisit la démarche', () => citizen.click(cp.getByRole('link', { name: title })));
  await assertSays(cp, participants.v2);
  assert.ok(!(await mainText(cp)).includes(participants.v1), 'the portal asks in version 2’s words');
});
