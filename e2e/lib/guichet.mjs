// What people do on Guichet, step by step, as they would: through the pages'
// labels, roles and button names. Each step is checked (lib/browser.mjs).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { openMail } from './mail.mjs';

// guichet runs an operator command (bin/guichet commune add …) on the
// database of the server under test, with the server's own environment
// (run.mjs passes it as E2E_GUICHET), and returns what it printed.
export function guichet(...args) {
  if (!process.env.E2E_GUICHET) throw new Error('E2E_GUICHET is not set: run the browser tests with `make e2e`');
  const { binary, cwd, env } = JSON.parse(process.env.E2E_GUICHET);
  try {
    return execFileSync(binary, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`guichet ${args.join(' ')} failed (${err.status}):\n${err.stderr}${err.stdout}`);
  }
}

// The demo commune, loaded by a development instance.
export const portal = '/c/plassans/';
export const password = 'plassans2017';
export const logins = {
  accueil: 'agent@plassans.fr',
  supervisor: 'manager@plassans.fr',
};
export const signalement = "Signalement d'un dysfonctionnement";

// mainText is what the page says, for assertions on what the person reads.
export const mainText = (page) => page.locator('main').innerText();

// field is the input labelled `label` in scope (a page or a part of it),
// whether the label marks it "(obligatoire)" or not.
export function field(scope, label) {
  const text = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${text}( \\(obligatoire\\))?$`));
}

// assertSays fails unless the page's main content contains every text.
export async function assertSays(page, ...texts) {
  const text = await mainText(page);
  for (const t of texts) assert.ok(text.includes(t), `expected « ${t} » on ${page.url()}, the page says:\n${text}`);
}

// describeQuestion fills the contact form's first step, « Décrivez votre
// question », and continues to the whole form.
export async function describeQuestion(citizen, question) {
  const page = citizen.page;
  await citizen.step('décrit sa question, puis continue', async () => {
    await citizen.fill(page.getByLabel('Votre question'), question);
    await citizen.click(page.getByRole('button', { name: 'Continuer' }));
  });
}

// contactCommune writes to the commune from its portal's « Écrivez à la
// mairie », as a citizen without an account does: the question first, then
// the whole form, whose message is the question; it returns the
// conversation's reference the page shows.
export async function contactCommune(citizen, { subject, question, name, email }) {
  const page = citizen.page;
  await citizen.goto(portal, 'ouvre le portail de la commune');
  await citizen.step('choisit « Écrire à la mairie »', () => citizen.click(page.getByRole('link', { name: 'Écrivez à la mairie' })));
  await describeQuestion(citizen, question);
  await citizen.step('écrit son message', async () => {
    await citizen.fill(page.getByLabel('Objet'), subject);
    await citizen.fill(page.getByLabel('Votre message'), question);
    await citizen.fill(page.getByLabel('Vos nom et prénom'), name);
    await citizen.fill(page.getByLabel('Votre adresse e-mail'), email);
    await citizen.click(page.getByRole('button', { name: 'Envoyer mon message' }));
  });
  const found = (await mainText(page)).match(/M-\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  assert.ok(found, 'no reference on the page after writing');
  return found[0];
}

// startSignalement goes from the commune portal to a new draft of the
// demo's "signalement", as a citizen does.
export async function startSignalement(citizen, { email, name }) {
  const page = citizen.page;
  await citizen.goto(portal, 'ouvre le portail de la commune');
  await citizen.step('choisit la démarche', () => citizen.click(page.getByRole('link', { name: signalement })));
  await citizen.step('commence sa demande', async () => {
    await citizen.fill(page.getByLabel('Votre adresse e-mail'), email);
    await citizen.fill(page.getByLabel('Vos nom et prénom'), name);
    await citizen.click(page.getByRole('button', { name: 'Commencer ma demande' }));
  });
  await assertSays(page, 'Brouillon');
}

// fillSignalement types the answers of a signalement into the open form.
export async function fillSignalement(citizen, { categorie, lieu, description }) {
  const page = citizen.page;
  await citizen.choose(page.getByLabel('Type de problème'), categorie);
  await citizen.fill(page.getByLabel('Lieu du problème'), lieu);
  await citizen.fill(page.getByLabel('Description'), description);
}

// submitSignalement makes and submits a signalement; it returns the
// reference shown on the confirmation page.
export async function submitSignalement(citizen, demand) {
  await startSignalement(citizen, demand);
  const page = citizen.page;
  await citizen.step('remplit et dépose sa demande', async () => {
    await fillSignalement(citizen, demand);
    await citizen.click(page.getByRole('button', { name: 'Déposer ma demande' }));
  });
  await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été déposée' }).waitFor();
  const found = (await mainText(page)).match(/Référence\s+(\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/);
  assert.ok(found, 'the confirmation page shows no reference');
  return found[1];
}

// openFollowLink opens the newest e-mail to the citizen whose subject
// matches, and follows its link to the demand's page.
export async function openFollowLink(citizen, { email, subject }) {
  const mail = await openMail(citizen, { to: email, subject });
  await citizen.step('suit le lien de l’e-mail', () => citizen.click(citizen.page.getByRole('link', { name: /\/suivi\// }).first()));
  return mail;
}

// signIn opens the back office and signs in (with the demo's password
// unless told another).
export async function signIn(agent, email, pass = password) {
  const page = agent.page;
  await agent.goto('/gestion/', 'ouvre l’espace des agents');
  await agent.step('se connecte', async () => {
    await agent.fill(page.getByLabel('Adresse e-mail'), email);
    await agent.fill(page.getByLabel('Mot de passe'), pass);
    await agent.click(page.getByRole('button', { name: 'Se connecter' }));
  });
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}

// acceptInvitation: a new agent opens the e-mail that invites them (its
// subject matching `subject`), follows its link, chooses a password and
// signs in with it.
export async function acceptInvitation(agent, { email, subject, pass }) {
  const mail = await openMail(agent, { to: email, subject });
  const page = agent.page;
  await agent.step('suit le lien de l’e-mail', () => agent.click(page.getByRole('link', { name: /\/gestion\/reinitialisation\// })));
  await assertSays(page, email);
  await agent.step('choisit son mot de passe', async () => {
    await agent.fill(page.getByLabel('Nouveau mot de passe'), pass);
    await agent.fill(page.getByLabel('Confirmez le mot de passe'), pass);
    await agent.click(page.getByRole('button', { name: 'Enregistrer le mot de passe' }));
  });
  await signIn(agent, email, pass);
  return mail;
}

// columnsInView fails unless every column header of the page's list of
// demands lies inside the window (1,280 px wide), the table fitting its
// box without scrolling sideways. The lists have nine columns.
export async function columnsInView(actor, list) {
  const page = actor.page;
  const { width } = page.viewportSize();
  assert.equal(width, 1280);
  const table = page.getByRole('table');
  // A due time's badge depends on the hour the suite runs (« à échéance
  // aujourd'hui » only on its day, before its hour): every due time is
  // measured with the widest, then the cells are put back as served.
  const fit = await table.evaluate((t) => {
    const cells = [...t.querySelectorAll('td.due')].filter((td) => !td.querySelector('.muted'));
    const served = cells.map((td) => td.innerHTML);
    for (const td of cells) {
      td.querySelector('.badge--due')?.remove();
      td.insertAdjacentHTML('beforeend', ` <span class="badge badge--due">à échéance aujourd'hui</span>`);
    }
    const fit = { table: t.scrollWidth, box: t.parentElement.clientWidth };
    cells.forEach((td, i) => { td.innerHTML = served[i]; });
    return fit;
  });
  assert.ok(fit.table <= fit.box, `${list}: the table is ${fit.table} px wide in a box of ${fit.box} px: it scrolls sideways`);
  const headers = table.getByRole('columnheader');
  assert.equal(await headers.count(), 9, `${list}: ${await headers.allInnerTexts()}`);
  for (const th of await headers.all()) {
    const box = await th.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width, `${list}: the column « ${(await th.innerText()).trim()} » spans ${Math.round(box.x)}–${Math.round(box.x + box.width)} px, out of the ${width} px window`);
  }
}

// openDemand finds a demand by its reference from one of the back office's
// lists (a menu item), as an agent with the reference at hand does: typed
// in the search box, the reference opens the demand.
export async function openDemand(agent, reference, list = 'À traiter') {
  const page = agent.page;
  await agent.step(`ouvre « ${list} »`, () => agent.click(page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: list })));
  await agent.step(`tape la référence ${reference}, qui ouvre la demande`, async () => {
    await agent.fill(page.getByLabel('Rechercher'), reference);
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
  });
  await assertSays(page, `Demande trouvée par sa référence ${reference}.`);
}

// agentAct opens one of the demand page's actions (a disclosure named by
// its title), fills it, ticks its confirmation and sends it.
export async function agentAct(agent, title, { message, service, confirm } = {}) {
  const page = agent.page;
  const action = page.locator('details', { has: page.locator('summary', { hasText: title }) });
  await agent.step(title, async () => {
    await agent.click(action.locator('summary'));
    if (service) await agent.choose(action.getByRole('combobox', { name: /^Service/ }), service);
    if (message) await agent.fill(action.locator('textarea[name=message]'), message);
    await agent.tick(action.getByRole('checkbox', { name: confirm }));
    await agent.click(action.getByRole('button', { name: title }));
  });
}

// openServiceLink: a service opens the newest e-mail to its address about
// the demand and follows the signed link it holds.
export async function openServiceLink(service, { email, subject }) {
  const mail = await openMail(service, { to: email, subject });
  await service.step('suit le lien de l’e-mail', () => service.click(service.page.getByRole('link', { name: /\/service\// }).first()));
  await service.page.getByRole('heading', { level: 1, name: /^Demande / }).waitFor();
  return mail;
}

// serviceAct opens one of the service page's actions, writes its message,
// sends it and confirms on the next page.
export async function serviceAct(service, title, { label, message, button }) {
  const page = service.page;
  const action = page.locator('details', { has: page.locator('summary', { hasText: title }) });
  await service.step(title, async () => {
    await service.click(action.locator('summary'));
    if (message) await service.fill(action.getByLabel(label), message);
    await service.click(action.getByRole('button', { name: button }));
  });
  await page.getByRole('heading', { level: 1, name: /confirmez$/ }).waitFor();
  if (message) await assertSays(page, message);
  await service.step(`confirme : ${title}`, () => service.click(page.getByRole('button', { name: 'Confirmer' })));
}
