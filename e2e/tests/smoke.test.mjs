// The pages that exist before any demand: the instance's home page, the
// development mailbox and the "not found" page; and the skip link, by keyboard.

import assert from 'node:assert/strict';

import { scenario } from '../lib/browser.mjs';
import { press } from '../lib/keyboard.mjs';

scenario('pages publiques : accueil, boîte mail de développement, page introuvable', async (run) => {
  const visitor = await run.actor('visiteur');
  const page = visitor.page;

  const res = await visitor.goto('/', 'accueil du service');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.getByRole('heading', { level: 1, name: 'Démarches en ligne de votre commune' }).waitFor();
  await page.getByRole('link', { name: 'Plassans' }).waitFor();

  await visitor.step('va au contenu par le lien d’évitement', async () => {
    await press(page, page.getByRole('link', { name: 'Aller au contenu' }));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'contenu');
  });

  await visitor.goto('/dev/mail', 'boîte mail de développement');
  await page.getByRole('heading', { level: 1, name: 'Boîte mail de développement' }).waitFor();

  const missing = await visitor.goto('/cette-page-n-existe-pas', 'page introuvable');
  assert.equal(missing.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
});
