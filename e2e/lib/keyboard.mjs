// Keyboard-only use: reach an element with Tab (checking that each element
// that takes the focus on the way shows it), then act with Enter or Space.

// tabTo presses Tab (or Shift+Tab with back) until the locator's element has
// the focus, and fails if it is not reached within `max` presses or if an
// element on the way shows no focus indicator.
export async function tabTo(page, locator, { max = 200, back = false } = {}) {
  const target = await locator.elementHandle();
  if (!target) throw new Error(`tabTo: ${locator} is not on the page`);
  const invisible = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const state = await page.evaluate((t) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { reached: false, visible: true, what: 'body' };
      const st = getComputedStyle(el);
      const visible = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
      const what = `${el.tagName.toLowerCase()} « ${(el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40)} »`;
      return { reached: el === t, visible, what };
    }, target);
    if (!state.visible) invisible.push(state.what);
    if (state.reached) {
      if (invisible.length) throw new Error(`tabTo: no visible focus on ${invisible.join(', ')}`);
      return;
    }
  }
  throw new Error(`tabTo: ${locator} not reached after ${max} Tab presses`);
}

// press reaches the element with Tab and presses a key on it (Enter for
// links and buttons, Space for buttons, checkboxes and radios).
export async function press(page, locator, key = 'Enter', opts) {
  await tabTo(page, locator, opts);
  await page.keyboard.press(key);
}

// typeInto reaches a field with Tab and types text into it, replacing
// what it held.
export async function typeInto(page, locator, text, opts) {
  await tabTo(page, locator, opts);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

// choose reaches a select with Tab and moves through its options with the
// down arrow until the one labelled `label` is selected.
export async function choose(page, select, label, opts) {
  await tabTo(page, select, opts);
  for (let i = 0; i < 50; i++) {
    const current = await select.evaluate((s) => s.selectedOptions[0]?.label);
    if (current === label) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`choose: no option « ${label} » in ${select}`);
}
