// cancelpath explore's in-page helper: lists what a person could activate on the screen, with a locator
// for each that the engine resolves to the same element: both are built around audit/run/dom.js (inserted
// at the dom mark below), the traversal, visibility, role, name and locator functions of the engine. Read-only.
(() => {
  /*@dom*/

  const MAX_LOCATOR_TEXT = 80; // longer text makes a brittle locator: role+name or css instead
  const MAX_ITEMS = 400; // per screen; a page with more is cut (and says so)

  // --- locators: the engine's matching, over lists computed once per screen ---------------------------------
  function locatorIndex(rs, els) {
    let texts = null;
    const byText = new Map();
    const byRole = new Map();
    function textMatches(w) {
      if (byText.has(w)) return byText.get(w);
      if (!texts) {
        texts = [];
        for (const el of els) {
          const tc = el.tagName === 'INPUT' ? el.value : el.textContent;
          if (!tc || tc.length > MAX_LABEL * 4) continue;
          const s = visibleText(el);
          if (s) texts.push([el, s]);
        }
      }
      const vis = textTargets(texts.filter(([, s]) => s === w).map(([el]) => el)).filter(visible);
      byText.set(w, vis);
      return vis;
    }
    function roleMatches(r, name) {
      const key = r + '\u0000' + name;
      if (byRole.has(key)) return byRole.get(key);
      const vis = els.filter((el) => role(el) === r && accName(el) === name && visible(el));
      byRole.set(key, vis);
      return vis;
    }
    function cssMatches(css) {
      const out = [];
      for (const r of rs) for (const el of r.querySelectorAll(css)) out.push(el);
      return out.filter(visible);
    }
    // position of el in a match list: the element itself, or the match inside it (text in a wrapper) or
    // around it (the actionable ancestor of a hover container's label).
    function indexOf(list, el) {
      let i = list.indexOf(el);
      if (i < 0) i = list.findIndex((m) => containsComposed(el, m) || containsComposed(m, el));
      return i;
    }
    // A control made of several texts (a card: logo, name, price, state) is better found by the first of
    // them that finds it alone: 飞鱼卡盟 rather than "鱼 飞鱼卡盟 会员连续包月 · 每月 ¥16.00 生效中".
    function leafText(el, text) {
      const leaves = [];
      for (const d of el.querySelectorAll('*')) {
        if (d.firstElementChild || SKIP.has(d.tagName)) continue;
        const t = visibleText(d);
        if (t) leaves.push(t);
        if (leaves.length > 20) break;
      }
      if (leaves.length < 2) return null;
      for (const t of leaves) {
        if (t.length < 2 || t.length > MAX_LOCATOR_TEXT || t === text) continue;
        const m = textMatches(t);
        if (m.length === 1 && indexOf(m, el) === 0) return { text: t, nth: 0 };
      }
      return null;
    }
    // A step's locator must mean one element (the engine's resolve, as Playwright's strict mode): nth picks
    // any match but the first, which the scenario format cannot name apart from "no nth". The first of several
    // is named within the nearest container with an id that holds it alone ("Project Alpha" within
    // #dokuwiki__content), else by another locator.
    function narrowed(list, el, loc) {
      const i = indexOf(list, el);
      if (i < 0) return null;
      if (list.length === 1 || i > 0) return Object.assign(loc, { nth: i });
      for (let a = parentComposed(list[i]); a && a.nodeType === 1; a = parentComposed(a)) {
        if (!a.id || !/^[A-Za-z][\w-]*$/.test(a.id) || !visible(a)) continue;
        const inside = list.filter((m) => containsComposed(a, m));
        if (inside.length === 1 && document.querySelectorAll('#' + a.id).length === 1) {
          return Object.assign(loc, { nth: 0, within: { css: '#' + a.id, nth: 0 } });
        }
        if (inside.length > 1) break; // wider containers hold more of them
      }
      return null;
    }
    return function locate(el, text, name, r) {
      if (el.tagName === 'SELECT') text = ''; // its text is every option's: found by its name or place
      const leaf = text ? leafText(el, text) : null;
      if (leaf) return leaf;
      if (text && text.length <= MAX_LOCATOR_TEXT) {
        const loc = narrowed(textMatches(text), el, { text });
        if (loc) return loc;
      }
      if (r && name && name.length <= MAX_LOCATOR_TEXT) {
        const loc = narrowed(roleMatches(r, name), el, { role: r, name });
        if (loc) return loc;
      }
      const css = cssPath(el);
      const i = indexOf(cssMatches(css), el);
      return i >= 0 ? { css, nth: i } : null;
    };
  }
  // cssPath is a selector from the element's tree root (document or shadow root) or nearest id.
  function cssPath(el) {
    const parts = [];
    for (let x = el; x && x.nodeType === 1; x = x.parentElement) {
      if (x.id && /^[A-Za-z][\w-]*$/.test(x.id)) { parts.unshift('#' + x.id); break; }
      let i = 1;
      for (let s = x.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === x.tagName) i++;
      parts.unshift(x.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
    }
    return parts.join(' > ');
  }

  // --- what a person could activate ---------------------------------------------------------------------
  const FIELD_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'slider', 'spinbutton', 'option']);
  const STATE_ROLES = new Set(['switch', 'checkbox', 'radio', 'menuitemcheckbox', 'menuitemradio']);
  // cursor: pointer set on this element and not inherited: a custom control with a click handler.
  function pointerStart(el) {
    if (getComputedStyle(el).cursor !== 'pointer') return false;
    const p = parentComposed(el);
    return !p || p.nodeType !== 1 || getComputedStyle(p).cursor !== 'pointer';
  }
  function clickable(el) {
    if (el.tagName === 'BODY' || el.tagName === 'HTML') return false;
    if (isActionable(el)) return true;
    if (el.hasAttribute('tabindex') && el.tabIndex >= 0 && el.tagName !== 'IFRAME') return true;
    return pointerStart(el);
  }
  // submits tells whether activating el would submit a form: a submit button with a form owner.
  function submits(el) {
    if (el.tagName === 'BUTTON') return (el.type || 'submit') === 'submit' && !!el.form;
    if (el.tagName === 'INPUT') {
      const t = (el.getAttribute('type') || '').toLowerCase();
      return (t === 'submit' || t === 'image') && !!el.form;
    }
    return false;
  }
  function checkedState(el) {
    if (el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio')) return el.checked;
    return el.getAttribute('aria-checked') === 'true' || el.getAttribute('aria-pressed') === 'true';
  }
  // A label wrapping (or naming) a form field is that field, not a control of its own.
  function fieldLike(el, r) {
    if (FIELD_ROLES.has(r)) return true;
    if (el.tagName === 'LABEL' && el.control) return true;
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) return true;
    return false;
  }
  // hoverContainers: visible elements that hide actionable elements a hover may reveal. Pragmatic rules:
  // aria-haspopup, or the nearest visible ancestor (within four levels) of a hidden link or button, when it
  // is small (a menu entry, not a page section) and the hidden part is no dialog (dialogs open on click).
  function hoverContainers(els) {
    const out = [];
    const seen = new Set();
    const add = (el) => { if (!seen.has(el)) { seen.add(el); out.push(el); } };
    for (const el of els) {
      const hp = el.getAttribute('aria-haspopup');
      if (hp && hp !== 'false' && visible(el)) add(el);
    }
    let hidden = 0;
    for (const h of els) {
      if (out.length >= 20 || hidden >= 500) break;
      if (!(isActionable(h) || h.hasAttribute('tabindex')) || visible(h)) continue;
      if (h.tagName === 'OPTION' || h.tagName === 'OPTGROUP') continue; // a select's list: opened by choosing, not hovering
      hidden++;
      let panel = h, a = parentComposed(h);
      for (let i = 0; a && a.nodeType === 1 && i < 4 && !visible(a); i++) { panel = a; a = parentComposed(a); }
      if (!a || a.nodeType !== 1 || !visible(a) || a === a.ownerDocument.body) continue;
      if (panel.closest && panel.closest('[hidden],dialog,[role=dialog],[role=alertdialog],[aria-modal],details')) continue;
      const b = a.getBoundingClientRect();
      if (b.height > 120 || b.width > 480) continue;
      add(a);
    }
    return out;
  }
  function frameURL(el) {
    try { return el.ownerDocument.location.href; } catch (e) { return ''; }
  }
  function href(el) {
    if (el.tagName !== 'A' && el.tagName !== 'AREA') return '';
    const raw = el.getAttribute('href');
    if (raw == null) return '';
    try { return new URL(raw, el.baseURI).href; } catch (e) { return raw; }
  }

  // inPageAnchor: a link to an element of its own document that is on display already ("#top", a table of
  // contents): following it only scrolls. A link that shows what it points to (a tab, a collapsed panel) points
  // to something hidden, or says so with a role or aria-controls, and is tried.
  function inPageAnchor(el) {
    if (el.tagName !== 'A' || el.hasAttribute('onclick') || el.hasAttribute('aria-controls')) return false;
    const r = el.getAttribute('role');
    if (r && r !== 'link') return false;
    const raw = el.getAttribute('href') || '';
    if (!raw.startsWith('#') || raw.length < 2 || raw.startsWith('#/') || raw.startsWith('#!')) return false;
    let id = raw.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* as written */ }
    const doc = el.ownerDocument;
    const t = doc.getElementById(id) || doc.getElementsByName(id)[0];
    return !!t && visible(t);
  }
  // selectable: a native single select that picks a page or a view (a "Tools" menu, a filter): outside any
  // form, or in a form sent with GET. One in a form that is posted is data entry, left alone; so is one with
  // more options than a menu has.
  const MAX_OPTIONS = 30;
  function selectable(el) {
    if (el.tagName !== 'SELECT' || el.multiple || el.size > 1 || el.disabled) return false;
    if (el.options.length > MAX_OPTIONS) return false;
    const f = el.form;
    return !f || (f.getAttribute('method') || 'get').toLowerCase() === 'get';
  }
  // options lists what choosing each option of a selectable select would do: href is the page it loads when
  // that can be known (an option whose value is a URL, or the GET form the select sits in, as its script
  // would send it), else empty.
  function options(el) {
    const out = [];
    for (const o of el.options) {
      if (o.disabled || o.index === el.selectedIndex) continue; // choosing the chosen one changes nothing
      const label = cut(o.label || o.text, 200);
      if (!label) continue;
      out.push({ label, value: o.value, href: optionHref(el, o) });
    }
    return out;
  }
  function optionHref(el, o) {
    const v = o.value || '';
    if (el.form) {
      try {
        const f = el.form;
        const u = new URL(f.getAttribute('action') || f.ownerDocument.location.href, f.baseURI);
        const data = new URLSearchParams();
        for (const c of f.elements) {
          if (!c.name || c.disabled) continue;
          if (c === el) { data.append(c.name, v); continue; }
          if ((c.type === 'checkbox' || c.type === 'radio') && !c.checked) continue;
          if (c.tagName === 'BUTTON' || c.type === 'submit' || c.type === 'button' || c.type === 'file') continue;
          data.append(c.name, c.value);
        }
        u.search = data.toString();
        return u.href;
      } catch (e) { return ''; }
    }
    if (!/^(https?:|\/|\.\.?\/|\?|#\/|#!)/.test(v) && !/\.html?($|[?#])/.test(v)) return '';
    try { return new URL(v, el.baseURI).href; } catch (e) { return ''; }
  }

  function item(el, locate, hover) {
    const r = role(el);
    const text = visibleText(el).slice(0, 200);
    const name = accName(el).slice(0, 200);
    const loc = locate(el, text, name, r);
    if (!loc) return null;
    const sel = !hover && selectable(el);
    return {
      label: name || (sel ? '' : text), text: sel ? '' : text, role: r, tag: el.tagName.toLowerCase(), href: hover ? '' : href(el),
      anchor: !hover && inPageAnchor(el), select: sel, options: sel ? options(el) : null,
      new_tab: !hover && (el.getAttribute('target') || '').toLowerCase() === '_blank',
      submits: !hover && submits(el), field: !hover && !sel && fieldLike(el, r),
      stateful: !hover && STATE_ROLES.has(r), checked: checkedState(el),
      disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true',
      download: el.hasAttribute('download'), hover, frame_url: frameURL(el),
      in_frame: el.ownerDocument !== document, in_shadow: el.getRootNode() !== el.ownerDocument,
      locator: loc,
    };
  }

  // The DOM's last change, for snapshot: observed from the first snapshot of a document on.
  let lastMutation = 0, observer = null;
  function watchMutations() {
    if (observer) return;
    lastMutation = performance.now();
    observer = new MutationObserver(() => { lastMutation = performance.now(); });
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  let counted = null; // the last count of controls (see snapshot)
  // animating: a transition or animation that ends within a second is running (a menu sliding open); one
  // that repeats for ever (a spinner) or runs longer is the page's decoration, not a change to wait for.
  function animating() {
    if (!document.getAnimations) return false;
    for (const a of document.getAnimations()) {
      if (a.playState !== 'running' || !a.effect) continue;
      const t = a.effect.getComputedTiming();
      if (Number.isFinite(t.endTime) && t.endTime - (t.localTime || 0) < 1000) return true;
    }
    return false;
  }
  // busy: the page says it is loading something (aria-busy on something on display).
  function busy() {
    for (const el of document.querySelectorAll('[aria-busy="true"]')) if (visible(el)) return true;
    return false;
  }
  // dialogOpen: a modal dialog is on display.
  function dialogOpen() {
    for (const el of document.querySelectorAll('dialog[open],[role=dialog],[role=alertdialog],[aria-modal=true]')) {
      if (visible(el)) return true;
    }
    return false;
  }
  // CONFIRM_MARK is set on the document element by the search's confirm() (see replay.go): the page asked;
  // LEAVING_MARK when the page began a navigation to another document.
  const CONFIRM_MARK = 'data-cancelpath-confirm';
  const LEAVING_MARK = 'data-cancelpath-leaving';
  const leaving = () => document.documentElement.hasAttribute(LEAVING_MARK);

  const ops = {
    // snapshot: cheap fingerprint of the screen, polled while waiting for it to settle; mutated is how long
    // ago (ms) the DOM last changed, busy whether the page says it is loading.
    snapshot() {
      watchMutations();
      const now = performance.now();
      const moving = animating();
      // Controls only change with the DOM or with an animation (a menu fading in): while neither happened
      // since the last count, it stands, and the page is not walked again.
      if (counted && counted.url === location.href && lastMutation < counted.at && !moving && !counted.moving) {
        return { url: location.href, origin: performance.timeOrigin, ready: document.readyState, count: counted.count,
          hash: counted.hash, mutated: Math.round(now - lastMutation), busy: busy(), leaving: leaving() };
      }
      let n = 0, h = 0;
      for (const el of allElements(roots(document, []))) {
        if (!isActionable(el) || !visible(el)) continue;
        n++;
        const s = el.tagName + norm(el.textContent).slice(0, 40);
        for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
      }
      counted = { url: location.href, at: now, count: n, hash: h, moving };
      return { url: location.href, origin: performance.timeOrigin, ready: document.readyState, count: n, hash: h,
        mutated: Math.round(now - lastMutation), busy: busy(), moving, leaving: leaving() };
    },
    // storage: this origin's localStorage, for the session the search saves after its one login.
    storage() {
      const out = [];
      try {
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          out.push({ name: k, value: localStorage.getItem(k) });
        }
      } catch (e) { /* storage denied: nothing to save */ }
      return { origin: location.origin, localStorage: out };
    },
    // enumerate: every visible control on the screen (and, with hover, the menu entries a hover may open).
    enumerate(opt) {
      const rs = roots(document, []);
      const els = allElements(rs);
      const locate = locatorIndex(rs, els);
      const picked = [];
      for (const el of els) if (clickable(el) && visible(el)) picked.push(el);
      // A control inside another with the same label is the same target: keep the inner one, which is what
      // the engine's text locator finds.
      const label = new Map(picked.map((el) => [el, norm(accName(el))]));
      const drop = new Set();
      for (const el of picked) {
        for (let a = parentComposed(el); a; a = parentComposed(a)) {
          if (label.has(a) && label.get(a) === label.get(el)) drop.add(a);
        }
      }
      const items = [];
      let truncated = false;
      for (const el of picked) {
        if (drop.has(el)) continue;
        if (items.length >= MAX_ITEMS) { truncated = true; break; }
        const it = item(el, locate, false);
        if (it) items.push(it);
      }
      if (opt && opt.hover) {
        for (const el of hoverContainers(els)) {
          if (items.length >= MAX_ITEMS) { truncated = true; break; }
          const it = item(el, locate, true);
          if (it) items.push(it);
        }
      }
      const body = document.body;
      const confirmed = document.documentElement.getAttribute(CONFIRM_MARK) || '';
      return { url: location.href, title: document.title, items, truncated,
        text: body ? cut(body.innerText, 3000) : '', dialog: dialogOpen(), confirmed };
    },
  };
  return function (op, ...args) { return ops[op](...args); };
})()
