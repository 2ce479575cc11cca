// The in-page library that cancelpath's helpers share (audit/run/probe.js, audit/explore/candidates.js):
// traversal of the top document, open shadow roots and same-origin iframes; geometry; visibility; roles and
// accessible names; locators. Both helpers are built around it (see DOMScript), so a locator that explore
// writes finds the element the engine will click. Declarations only: it runs inside each helper's closure.
  const norm = (s) => String(s == null ? '' : s).replace(/\s+/g, ' ').trim();
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE', 'META', 'LINK']);
  const ACTIONABLE_ROLES = new Set(['button', 'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab',
    'switch', 'checkbox', 'radio', 'option', 'treeitem']);
  const MAX_LABEL = 2000; // longer text is not a control's label; bounds the cost on huge pages
  // cut: a label or a text excerpt of at most n characters, bounded before normalising, so that a
  // multi-megabyte label costs no more than a short one and never reaches a result whole.
  const cut = (s, n) => norm(String(s == null ? '' : s).slice(0, n * 4)).slice(0, n);

  // --- traversal: the top document, open shadow roots and same-origin iframes -------------------------
  function roots(root, out) {
    out.push(root);
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) roots(el.shadowRoot, out);
      if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') {
        let d = null;
        try { d = el.contentDocument; } catch (e) { /* cross-origin: out of reach, as documented */ }
        if (d && d.documentElement) roots(d, out);
      }
    }
    return out;
  }
  function allElements(rs) {
    const out = [];
    for (const r of rs) for (const el of r.querySelectorAll('*')) if (!SKIP.has(el.tagName)) out.push(el);
    return out;
  }
  function parentComposed(el) {
    if (el.parentElement) return el.parentElement;
    const r = el.getRootNode();
    if (r && r.host) return r.host;
    const w = el.ownerDocument && el.ownerDocument.defaultView;
    try { return w && w.frameElement; } catch (e) { return null; }
  }
  function containsComposed(a, b) {
    for (let x = b; x; x = parentComposed(x)) if (x === a) return true;
    return false;
  }

  // --- geometry -----------------------------------------------------------------------------------------
  function frameOffset(el) {
    let x = 0, y = 0;
    let w = el.ownerDocument.defaultView;
    while (w && w !== window) {
      let fe = null;
      try { fe = w.frameElement; } catch (e) { break; }
      if (!fe) break;
      const r = fe.getBoundingClientRect();
      x += r.left + fe.clientLeft; y += r.top + fe.clientTop;
      w = w.parent;
    }
    return { x, y };
  }
  function box(el) {
    const r = el.getBoundingClientRect();
    const o = frameOffset(el);
    return { x: r.left + o.x, y: r.top + o.y, width: r.width, height: r.height };
  }
  function viewport() {
    const vv = window.visualViewport;
    if (vv) return { x: vv.offsetLeft, y: vv.offsetTop, width: vv.width, height: vv.height, scale: vv.scale };
    return { x: 0, y: 0, width: window.innerWidth, height: window.innerHeight, scale: 1 };
  }
  function insideViewport(b, vp) {
    return b.x >= vp.x - 0.5 && b.y >= vp.y - 0.5 &&
      b.x + b.width <= vp.x + vp.width + 0.5 && b.y + b.height <= vp.y + vp.height + 0.5;
  }

  // --- visibility ---------------------------------------------------------------------------------------
  function visible(el) {
    if (!el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const rects = el.getClientRects();
    let area = false;
    for (const r of rects) if (r.width > 0 && r.height > 0) { area = true; break; }
    if (!area) return false;
    const r = el.getBoundingClientRect();
    const doc = el.ownerDocument;
    const win = doc.defaultView;
    // Pushed off the page to the left or top (a common way to hide menus) is not visible.
    if (r.right + win.scrollX <= 0 || r.bottom + win.scrollY <= 0) return false;
    // Clipped away by an ancestor with overflow (collapsed menus: max-height 0; overflow hidden).
    for (let a = parentComposed(el); a && a.nodeType === 1 && a.ownerDocument === doc; a = parentComposed(a)) {
      if (a === doc.documentElement || a === doc.body) break;
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const ar = a.getBoundingClientRect();
      if (ar.width <= 0 || ar.height <= 0 || r.right <= ar.left || r.left >= ar.right ||
        r.bottom <= ar.top || r.top >= ar.bottom) return false;
    }
    let fe = null;
    try { fe = win.frameElement; } catch (e) { /* cross-origin parent */ }
    return fe ? visible(fe) : true;
  }

  // --- roles and names (a pragmatic subset of WAI-ARIA and HTML-AAM) ---------------------------------------
  function role(el) {
    const explicit = el.getAttribute('role');
    if (explicit && explicit.trim()) return explicit.trim().split(/\s+/)[0].toLowerCase();
    switch (el.tagName) {
      case 'A': case 'AREA': return el.hasAttribute('href') ? 'link' : '';
      case 'BUTTON': case 'SUMMARY': return 'button';
      case 'INPUT': {
        const t = (el.getAttribute('type') || 'text').toLowerCase();
        if (['button', 'submit', 'reset', 'image'].includes(t)) return 'button';
        if (t === 'checkbox') return 'checkbox';
        if (t === 'radio') return 'radio';
        if (t === 'range') return 'slider';
        if (t === 'number') return 'spinbutton';
        if (t === 'search') return 'searchbox';
        if (t === 'hidden') return '';
        return 'textbox';
      }
      case 'SELECT': return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
      case 'TEXTAREA': return 'textbox';
      case 'OPTION': return 'option';
      case 'DIALOG': return 'dialog';
      case 'IMG': return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'H1': case 'H2': case 'H3': case 'H4': case 'H5': case 'H6': return 'heading';
      case 'NAV': return 'navigation';
      case 'MAIN': return 'main';
      case 'FORM': return 'form';
      case 'UL': case 'OL': return 'list';
      case 'LI': return 'listitem';
      case 'TABLE': return 'table';
    }
    return '';
  }
  function visibleText(el) {
    if (el.tagName === 'INPUT') {
      const t = (el.getAttribute('type') || '').toLowerCase();
      if (['button', 'submit', 'reset'].includes(t)) return norm(el.value);
      return '';
    }
    const tc = el.textContent || '';
    if (tc.length > MAX_LABEL * 4) return cut(tc, MAX_LABEL); // no control's label: a cut excerpt will do
    return norm(el.innerText !== undefined ? el.innerText : tc);
  }
  function accName(el) {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const root = el.getRootNode();
      const s = cut(by.split(/\s+/).map((id) => {
        const x = root.getElementById ? root.getElementById(id) : null;
        return x ? x.textContent : '';
      }).join(' '), MAX_LABEL);
      if (s) return s;
    }
    const al = el.getAttribute('aria-label');
    if (al && al.trim()) return cut(al, MAX_LABEL);
    if (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA') {
      if (el.labels && el.labels.length) {
        const s = cut(Array.from(el.labels).map((l) => l.innerText).join(' '), MAX_LABEL);
        if (s) return s;
      }
      const t = (el.getAttribute('type') || '').toLowerCase();
      if (['button', 'submit', 'reset'].includes(t) && el.value) return cut(el.value, MAX_LABEL);
      if (t === 'image' && el.alt) return cut(el.alt, MAX_LABEL);
      const ph = el.getAttribute('placeholder');
      if (ph) return cut(ph, MAX_LABEL);
      return cut(el.getAttribute('title'), MAX_LABEL);
    }
    if (el.tagName === 'IMG') return cut(el.getAttribute('alt') || el.getAttribute('title'), MAX_LABEL);
    let t = visibleText(el);
    if (!t) {
      const img = el.querySelector && el.querySelector('img[alt]');
      if (img) t = cut(img.getAttribute('alt'), MAX_LABEL);
    }
    return (t || cut(el.getAttribute('title'), MAX_LABEL)).slice(0, MAX_LABEL);
  }
  function isActionable(el) {
    const t = el.tagName;
    if ((t === 'A' && el.hasAttribute('href')) || t === 'BUTTON' || t === 'SELECT' || t === 'TEXTAREA' ||
      t === 'LABEL' || t === 'SUMMARY' || t === 'OPTION') return true;
    if (t === 'INPUT') return (el.getAttribute('type') || '').toLowerCase() !== 'hidden';
    if (ACTIONABLE_ROLES.has(role(el))) return true;
    return el.hasAttribute('onclick');
  }
  // A text match inside a button is the button: that is what a finger hits and what is measured.
  function actionableAncestor(el) {
    let x = el;
    for (let i = 0; x && i < 6; i++, x = parentComposed(x)) {
      if (x.nodeType !== 1) break;
      if (isActionable(x)) return x;
      if (x.tagName === 'BODY') break;
    }
    return el;
  }

  // --- locators -----------------------------------------------------------------------------------------
  const fold = (s) => s.replace(/\s+/g, '').toLowerCase();
  function subsequence(needle, hay) {
    let i = 0;
    for (let j = 0; i < needle.length && j < hay.length; j++) if (hay[j] === needle[i]) i++;
    return i === needle.length;
  }
  function regex(src, flags) { return new RegExp(src, (flags || '') + 'u'); }
  function candidates(t, rs) {
    if (t.css) {
      const out = [];
      for (const r of rs) for (const el of r.querySelectorAll(t.css)) out.push(el);
      return out;
    }
    if (t.xpath) {
      const out = [];
      for (const r of rs) {
        if (r.nodeType !== 9) continue; // XPath runs on documents, not shadow roots
        const snap = r.evaluate(t.xpath, r, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < snap.snapshotLength; i++) {
          const n = snap.snapshotItem(i);
          out.push(n.nodeType === 1 ? n : n.parentElement);
        }
      }
      return out.filter(Boolean);
    }
    const els = allElements(rs);
    if (t.role) {
      const re = t.name_regex ? regex(t.name_regex, t.name_flags) : null;
      const want = t.name ? norm(t.name) : null;
      return els.filter((el) => {
        if (role(el) !== t.role) return false;
        if (want === null && !re) return true;
        const n = accName(el);
        return re ? re.test(n) : n === want;
      });
    }
    let pred, need = '';
    if (t.text) { const w = norm(t.text); pred = (s) => s === w; need = fold(w); }
    else if (t.text_contains) { const w = norm(t.text_contains); pred = (s) => s.includes(w); need = fold(w); }
    else if (t.text_regex) { const re = regex(t.text_regex, t.text_flags); pred = (s) => re.test(s); }
    else throw Object.assign(new Error('target has no locator'), { name: 'LocatorError' }); // never mended by waiting
    const matches = [];
    for (const el of els) {
      const tc = el.tagName === 'INPUT' ? el.value : el.textContent;
      if (!tc || tc.length > MAX_LABEL * 4) continue;
      // The rendered text (innerText, costly) can only drop characters of textContent, add white space and
      // change case: an element whose textContent lacks the wanted characters in order cannot match.
      if (need && !subsequence(need, fold(tc))) continue;
      const s = visibleText(el);
      if (s && pred(s)) matches.push(el);
    }
    return textTargets(matches);
  }
  // textTargets turns the elements whose text matched into the targets they mean, for the engine and explore
  // alike: the deepest matches only (a wrapper whose whole text is "退订" is not a second control), each
  // lifted to the control it labels, once.
  function textTargets(matches) {
    const wrappers = new Set();
    for (const m of matches) {
      for (let p = m.parentElement; p && !wrappers.has(p); p = p.parentElement) wrappers.add(p);
    }
    const seen = new Set();
    const out = [];
    for (const m of matches) {
      if (wrappers.has(m)) continue;
      const a = actionableAncestor(m);
      if (!seen.has(a)) { seen.add(a); out.push(a); }
    }
    return out;
  }
  function findAll(t) {
    let rs = roots(document, []);
    let els = candidates(t, rs).filter(visible);
    if (t.within) {
      const containers = findAll(t.within);
      els = els.filter((el) => containers.some((c) => c !== el && containsComposed(c, el)));
    }
    return els;
  }
  // find: the nth visible match (the first without nth), for the helpers that only read or wait.
  function find(t) {
    const els = findAll(t);
    return els[t.nth || 0] || null;
  }
  // resolve: the one element a step acts on. A locator means one element, as in Playwright's strict mode:
  // nth picks among the visible matches; without it, several matches are ambiguous unless exactly one of
  // them is something a person can activate, which is then taken (chosen). Ambiguous: el is null and
  // candidates lists the matches (the first 10) for the reason.
  function resolve(t) {
    const els = findAll(t);
    if (typeof t.nth === 'number' || els.length < 2) return { el: els[t.nth || 0] || null, count: els.length };
    const act = els.filter(isActionable);
    const candidates = els.slice(0, 10).map(candidate);
    if (act.length === 1) return { el: act[0], count: els.length, chosen: true, candidates };
    return { el: null, count: els.length, ambiguous: true, candidates };
  }
  // candidate: a match as the reason lists it: tag, role, accessible name, box.
  function candidate(el, i) {
    const b = box(el);
    return {
      index: i, tag: el.tagName.toLowerCase(), role: role(el), name: accName(el).slice(0, 60),
      actionable: isActionable(el),
      box: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) },
    };
  }
