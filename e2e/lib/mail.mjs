// The development mailbox: Guichet in development keeps its e-mails in the
// database and lists them at /dev/mail, newest first. A person "reads their
// mail" there, in their own browser, and follows the links it holds.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// openMail opens, in the actor's window, the newest e-mail to `to` whose
// subject matches `subject` (a string it contains, or a RegExp), waiting a
// few seconds for it to arrive (as the actor does: by keyboard or not). It returns
// the subject, the text and the links of the mail; the page stays on the
// mail so that a link can be followed.
export async function openMail(actor, { to, subject }) {
  const want = typeof subject === 'string' ? (s) => s.includes(subject) : (s) => subject.test(s);
  const deadline = Date.now() + 10_000;
  for (;;) {
    await actor.goto('/dev/mail', `lit ses e-mails (${to})`);
    const rows = actor.page.getByRole('row').filter({ hasText: to });
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const link = rows.nth(i).getByRole('link');
      const s = (await link.textContent()).trim();
      if (want(s)) {
        await actor.step(`ouvre l'e-mail « ${s} »`, () => actor.click(link));
        const body = actor.page.locator('pre');
        return {
          subject: s,
          text: await body.innerText(),
          links: await body.getByRole('link').evaluateAll((as) => as.map((a) => a.href)),
        };
      }
    }
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to} with subject ${subject} in /dev/mail`);
    await sleep(500);
  }
}
