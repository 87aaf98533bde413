/* MedOps front-end behaviour. Vanilla ES2020, loaded with `defer`, no build step.
   Progressive enhancement: every page works without this file except type-ahead and autosave.
   Contract (data attributes, classes): see README.md beside this file. */
(() => {
  'use strict';
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const fmt = (tpl, vars) => String(tpl).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || '';
  const debounce = (fn, ms) => { let t; const d = (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; d.cancel = () => clearTimeout(t); return d; };
  const lang = document.documentElement.lang || undefined;
  let uid = 0;
  const nextId = (p) => `${p}-${++uid}`;
  document.documentElement.classList.remove('no-js');

  /* ---- a) Nav toggle: .nav-toggle[aria-controls] opens/closes the element it controls ---- */
  function toggleNav(btn, open) {
    const target = document.getElementById(btn.getAttribute('aria-controls'));
    if (!target) return;
    open = open ?? btn.getAttribute('aria-expanded') !== 'true';
    btn.setAttribute('aria-expanded', String(open));
    target.classList.toggle('is-open', open);
  }
  document.addEventListener('click', (e) => {
    const btn = e.target.closest('.nav-toggle[aria-controls]');
    if (btn) toggleNav(btn);
    const close = e.target.closest('[data-dismiss]');
    if (close) close.closest(close.dataset.dismiss || '.alert')?.remove();
    const opener = e.target.closest('[data-dialog-open]');
    if (opener) document.querySelector(opener.dataset.dialogOpen)?.showModal?.();
    const closer = e.target.closest('[data-dialog-close]');
    if (closer) closer.closest('dialog')?.close();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    $$('.nav-toggle[aria-expanded="true"]').forEach((b) => { toggleNav(b, false); b.focus(); });
  });

  /* ---- b) Confirm + d) autosave flush: one submit gate, so their order is fixed (confirm first) ---- */
  function confirmDialog(msg, danger) {
    if (typeof HTMLDialogElement !== 'function') return Promise.resolve(window.confirm(msg));
    const en = (lang || '').startsWith('en');
    const dlg = document.createElement('dialog');
    dlg.className = 'dialog';
    dlg.innerHTML = '<form method="dialog"><div class="dialog__body"><p></p></div><div class="dialog__actions">' +
      '<button class="btn" value="no"></button><button class="btn" value="yes"></button></div></form>';
    const p = dlg.querySelector('p');
    p.textContent = msg; p.id = nextId('confirm-msg');
    dlg.setAttribute('aria-describedby', p.id);
    const [no, yes] = dlg.querySelectorAll('button');
    no.textContent = document.body.dataset.i18nCancel || (en ? 'Cancel' : 'Cancelar');
    yes.textContent = document.body.dataset.i18nConfirm || (en ? 'Confirm' : 'Confirmar');
    yes.classList.add(danger ? 'btn--danger' : 'btn--primary');
    document.body.append(dlg);
    return new Promise((resolve) => {
      const done = (ok) => { resolve(ok); if (dlg.open) dlg.close(); dlg.remove(); }; // resolve() ignores repeats
      yes.addEventListener('click', (e) => { e.preventDefault(); done(true); });
      no.addEventListener('click', (e) => { e.preventDefault(); done(false); });
      dlg.addEventListener('close', () => done(false)); // Escape
      dlg.showModal();
      (danger ? no : yes).focus(); // destructive actions never get the default focus
    });
  }
  const passed = new WeakSet(); // forms already cleared by the gate for this submit
  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (passed.has(form)) { passed.delete(form); return; }
    const sub = e.submitter;
    const msg = sub?.dataset.confirm || form.dataset.confirm;
    const flush = form.hasAttribute('data-autosave-flush');
    if (!msg && !flush) return;
    e.preventDefault();
    if (msg && !(await confirmDialog(msg, form.hasAttribute('data-confirm-danger') || sub?.classList.contains('btn--danger')))) return;
    if (flush && !(await flushAllAutosaves())) return; // never complete a consultation with an unsaved note
    passed.add(form);
    form.requestSubmit ? form.requestSubmit(sub && sub.form === form ? sub : undefined) : form.submit();
  });

  /* ---- c) Type-ahead: ARIA 1.2 combobox with a listbox popup ---- */
  const RENDER = {
    icd11: (it) => ({
      value: it.code, label: it.code ? `${it.code} ${it.title}` : it.title, disabled: it.selectable === false,
      html: (o, t) => { if (it.code) add(o, 'strong', 'typeahead__code', it.code); add(o, 'span', 'typeahead__title', it.title);
        if (it.selectable === false) add(o, 'span', 'typeahead__marker', t.notSelectable);
        if (it.chapter) add(o, 'span', 'typeahead__meta', `${t.chapter} ${it.chapter}`); },
    }),
    patient: (it) => ({
      value: String(it.id), label: it.full_name,
      html: (o, t) => { add(o, 'strong', 'typeahead__title', it.full_name);
        const age = typeof it.age === 'number' ? fmt(t.age, { n: it.age }) : it.age;
        add(o, 'span', 'typeahead__meta', [it.cedula_display, age || it.birth_date].filter(Boolean).join(' · ')); },
    }),
    generic: (it) => ({ value: String(it.value ?? it.id ?? it.code), label: it.label ?? it.title ?? it.name,
      html: (o) => add(o, 'span', 'typeahead__title', it.label ?? it.title ?? it.name) }),
  };
  function add(parent, tag, cls, text) { const el = document.createElement(tag); el.className = cls; el.textContent = text; parent.append(el); return el; }

  function initTypeahead(input) {
    if (input.dataset.typeaheadReady) return;
    input.dataset.typeaheadReady = '1';
    const d = input.dataset;
    const kind = RENDER[d.typeaheadKind] ? d.typeaheadKind : 'generic';
    const min = parseInt(d.typeaheadMin || '2', 10);
    const hidden = d.typeaheadTarget ? document.querySelector(d.typeaheadTarget) : null;
    const es = (document.documentElement.lang || 'es').startsWith('es');
    const t = {
      empty: d.i18nEmpty || (es ? 'Sin resultados' : 'No results'),
      loading: d.i18nLoading || (es ? 'Buscando…' : 'Searching…'),
      error: d.i18nError || (es ? 'No se pudo buscar' : 'Search failed'),
      notSelectable: d.i18nNotSelectable || (es ? 'no seleccionable' : 'not selectable'),
      chapter: d.i18nChapter || (es ? 'Capítulo' : 'Chapter'),
      count: d.i18nCount || (es ? '{n} resultados' : '{n} results'),
      age: d.i18nAge || (es ? '{n} años' : '{n} y'),
    };
    let wrap = input.closest('.typeahead');
    if (!wrap) { // moving a focused input blurs it, so give focus back
      const focused = document.activeElement === input;
      wrap = document.createElement('div'); wrap.className = 'typeahead'; input.replaceWith(wrap); wrap.append(input);
      if (focused) input.focus();
    }
    const list = document.createElement('ul');
    list.className = 'typeahead__list'; list.id = nextId('ta-list'); list.setAttribute('role', 'listbox'); list.hidden = true;
    if (input.labels?.[0]) list.setAttribute('aria-labelledby', input.labels[0].id || (input.labels[0].id = nextId('ta-label')));
    const live = add(wrap, 'div', 'sr-only', ''); live.setAttribute('role', 'status');
    wrap.append(list);
    Object.entries({ role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': list.id, autocomplete: 'off' })
      .forEach(([k, v]) => input.setAttribute(k, v));

    let items = [], active = -1, ctrl = null;
    const options = () => $$('[role="option"]', list);
    const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
    const status = (text) => { items = []; active = -1; list.replaceChildren(); add(list, 'li', 'typeahead__status', text).setAttribute('role', 'presentation'); open(); live.textContent = text; };
    function open() { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
    function setActive(i) {
      const opts = options();
      opts.forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
      active = i;
      if (i < 0) { input.removeAttribute('aria-activedescendant'); return; }
      input.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    }
    function move(dir) { // wraps around; skips disabled (non-selectable) options
      const n = items.length;
      for (let k = 0, i = active; k < n; k++) {
        i = i < 0 ? (dir > 0 ? 0 : n - 1) : (i + dir + n) % n;
        if (!items[i].disabled) return setActive(i);
      }
    }
    function pick(i) {
      const it = items[i];
      if (!it || it.disabled) return;
      if (hidden) { hidden.value = it.value; hidden.dispatchEvent(new Event('change', { bubbles: true })); }
      input.value = it.label;
      close();
      input.dispatchEvent(new CustomEvent('typeahead:select', { bubbles: true, detail: { item: it.raw, value: it.value, label: it.label } }));
      if (d.typeaheadHref) window.location.assign(fmt(d.typeaheadHref, { value: encodeURIComponent(it.value) }));
    }
    function render(raw) {
      items = raw.map((r) => ({ ...RENDER[kind](r), raw: r }));
      if (!items.length) return status(t.empty);
      list.replaceChildren();
      items.forEach((it, i) => {
        const li = document.createElement('li');
        li.className = 'typeahead__option'; li.id = `${list.id}-${i}`; li.setAttribute('role', 'option'); li.setAttribute('aria-selected', 'false');
        if (it.disabled) li.setAttribute('aria-disabled', 'true');
        it.html(li, t);
        li.addEventListener('click', () => pick(i));
        list.append(li);
      });
      open(); active = -1;
      live.textContent = fmt(t.count, { n: items.length });
    }
    const search = debounce(async (q) => {
      if (document.activeElement !== input) return;
      ctrl?.abort(); ctrl = new AbortController(); // stale responses must never overwrite newer ones
      const url = new URL(d.typeahead, window.location.href);
      url.searchParams.set('q', q);
      if (kind === 'patient') url.searchParams.set('per_page', d.typeaheadLimit || '10');
      else url.searchParams.set('limit', d.typeaheadLimit || '15');
      status(t.loading);
      try {
        const res = await fetch(url, { signal: ctrl.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!res.ok) throw new Error(res.status);
        const json = await res.json();
        if (document.activeElement === input) render(Array.isArray(json) ? json : json.items || []);
      } catch (err) { if (err.name !== 'AbortError') status(t.error); }
    }, 120);

    input.addEventListener('input', () => {
      if (hidden && hidden.value) hidden.value = ''; // typed text no longer matches the picked value
      const q = input.value.trim();
      if (q.length < min) { search.cancel(); ctrl?.abort(); items = []; close(); return; }
      search(q);
    });
    input.addEventListener('keydown', (e) => {
      const isOpen = !list.hidden && items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!list.hidden && items.length) move(e.key === 'ArrowDown' ? 1 : -1);
        else if (items.length) { open(); move(e.key === 'ArrowDown' ? 1 : -1); }
      } else if (e.key === 'Enter' && isOpen && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === 'Escape' && !list.hidden) { e.preventDefault(); e.stopPropagation(); close(); }
      else if (e.key === 'Tab') close();
    });
    list.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input while clicking
    input.addEventListener('blur', close);
  }

  /* ---- d) Autosave of a form's named fields (e.g. the SOAP note) ---- */
  const autosavers = new Set();
  function initAutosave(form) {
    if (form.dataset.autosaveReady) return;
    form.dataset.autosaveReady = '1';
    const url = form.dataset.autosave, method = (form.dataset.autosaveMethod || 'PUT').toUpperCase();
    const key = `medops:autosave:${url}`;
    const el = form.querySelector('[data-autosave-status]') || document.querySelector('[data-autosave-status]');
    const text = (k, dflt) => el?.dataset[k] || form.dataset[k] || dflt;
    const show = (state, msg) => { if (el) { el.dataset.state = state; el.textContent = msg; } };
    const data = () => {
      const out = {};
      new FormData(form).forEach((v, k) => { if (typeof v !== 'string') return; out[k] = k in out ? [].concat(out[k], v) : v; });
      return out;
    };
    let dirty = false, seq = 0, inflight = null;
    const keep = () => { try { localStorage.setItem(key, JSON.stringify({ t: Date.now(), data: data() })); } catch (_) { /* quota/private mode */ } };
    async function save(keepalive = false) {
      if (!dirty) return inflight ? inflight : true;
      if (inflight && !keepalive) { await inflight; return save(); }
      const mine = ++seq; dirty = false;
      show('saving', text('i18nSaving', 'Guardando…'));
      const run = fetch(url, {
        method, keepalive, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf() },
        body: JSON.stringify(data()),
      }).then((res) => {
        if (!res.ok) throw new Error(res.status);
        if (mine === seq && !dirty) { try { localStorage.removeItem(key); } catch (_) {} }
        const time = new Date().toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', timeZone: document.body.dataset.tz || undefined });
        show('saved', fmt(text('i18nSaved', 'Guardado {time}'), { time }));
        return true;
      }).catch((err) => {
        dirty = true; // local copy stays; retry on next input, on flush, or soon if the failure looks transient
        show('error', text('i18nError', 'No se pudo guardar; se guardó una copia local'));
        if (!/^4(?!08|29)/.test(err.message)) setTimeout(() => { if (dirty && !inflight) save(); }, 15000);
        return false;
      }).finally(() => { if (inflight === run) inflight = null; });
      inflight = run;
      return run;
    }
    const later = debounce(() => save(), 800);
    form.addEventListener('input', (e) => {
      if (!e.target.name || e.target.tagName !== 'TEXTAREA' && !e.target.hasAttribute('data-autosave-field')) return;
      dirty = true; keep(); show('dirty', text('i18nDirty', '')); later();
    });
    autosavers.add({ flush: () => { later.cancel(); return save(); }, unload: () => { if (dirty) { later.cancel(); save(true); } } });

    // Offer to restore a local copy that is newer than the server's version and differs from it.
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || 'null'); } catch (_) {}
    const serverAt = Date.parse(form.dataset.autosaveUpdated || '') || 0;
    const differs = saved && Object.entries(saved.data || {}).some(([k, v]) => form.elements[k] && form.elements[k].value !== v);
    if (!saved || saved.t <= serverAt || !differs) { try { if (saved) localStorage.removeItem(key); } catch (_) {} return; }
    const box = document.createElement('div');
    box.className = 'alert alert--warning'; box.setAttribute('role', 'alert');
    box.innerHTML = '<span class="alert__icon" aria-hidden="true"></span><div class="alert__body"><p></p><div class="cluster"></div></div>';
    box.querySelector('p').textContent = fmt(text('i18nRestore', 'Hay cambios sin guardar de {time} en este equipo. ¿Restaurarlos?'),
      { time: new Date(saved.t).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: document.body.dataset.tz || undefined }) });
    const [yes, no] = ['i18nRestoreYes', 'i18nRestoreNo'].map((k, i) => {
      const b = add(box.querySelector('.cluster'), 'button', `btn btn--sm ${i ? 'btn--ghost' : 'btn--primary'}`, text(k, i ? 'Descartar' : 'Restaurar'));
      b.type = 'button'; return b;
    });
    yes.addEventListener('click', () => {
      Object.entries(saved.data).forEach(([k, v]) => { if (form.elements[k] && typeof v === 'string') form.elements[k].value = v; });
      dirty = true; box.remove(); save();
    });
    no.addEventListener('click', () => { localStorage.removeItem(key); box.remove(); });
    form.prepend(box);
  }
  async function flushAllAutosaves() {
    const results = await Promise.all([...autosavers].map((a) => a.flush()));
    return results.every(Boolean);
  }
  // Last chance to save: keepalive lets the request outlive the page.
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') autosavers.forEach((a) => a.unload()); });
  window.addEventListener('pagehide', () => autosavers.forEach((a) => a.unload()));
  window.addEventListener('beforeunload', () => autosavers.forEach((a) => a.unload()));

  /* ---- e) Live waited minutes: <time data-since="ISO" data-format="{m} min"> ---- */
  function tick() {
    const now = Date.now();
    $$('time[data-since]').forEach((el) => {
      const since = Date.parse(el.dataset.since);
      if (Number.isNaN(since)) return;
      const mins = Math.max(0, Math.floor((now - since) / 60000));
      const tpl = el.dataset.format || '{m} min';
      el.textContent = fmt(tpl, { h: Math.floor(mins / 60), m: tpl.includes('{h}') ? mins % 60 : mins });
      if (el.dataset.lateAfter) el.classList.toggle('is-late', mins >= +el.dataset.lateAfter);
    });
  }

  /* ---- init (also callable for HTML inserted later, e.g. live waiting-room updates) ---- */
  function init(root = document) {
    $$('input[data-typeahead]', root).forEach(initTypeahead);
    $$('form[data-autosave]', root).forEach(initAutosave);
    tick();
  }
  window.MedOps = { init, flushAutosaves: flushAllAutosaves };
  init();
  setInterval(tick, 30000);
  document.addEventListener('focusin', (e) => { if (e.target.matches?.('input[data-typeahead]')) initTypeahead(e.target); });
})();
