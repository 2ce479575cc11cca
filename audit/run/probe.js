// cancelpath's in-page probe, built around dom.js (inserted at the dom mark below) and installed once per
// document in an isolated world (see Script in script.go); called as probe(op, ...args).
// Everything here only reads the page, except scrollIntoView, field preparation and the evidence outline.
// Coordinates are CSS px in the top-level layout viewport, iframe offsets added.
(() => {
  /*@dom*/

  let last = null; // the element of the last prepare(); private to this closure
  let outlineEl = null;
  let mark = null; // the screen before the latest action (ops.mark)
  let watching = false;

  // --- what an action did -----------------------------------------------------------------------------------
  // A cross-document navigation the page started (a link, a form, location.href) leaves the old document up
  // until the new one commits: a target seen on it then is the old screen's, not the next one.
  function watchNavigation() {
    if (watching || !window.navigation) return;
    watching = true;
    navigation.addEventListener('navigate', (e) => {
      if (mark && !(e.destination && e.destination.sameDocument)) mark.leaving = true;
    });
    navigation.addEventListener('navigateerror', () => { if (mark) mark.leaving = false; });
  }
  // screenLines: the lines of text the page shows (bounded), to tell one screen from another.
  function screenLines() {
    const text = document.body ? String(document.body.innerText).slice(0, 200000) : '';
    const out = new Set();
    for (const l of text.split('\n')) {
      const n = norm(l).slice(0, 200);
      if (n) out.add(n);
      if (out.size >= 400) break;
    }
    return Array.from(out);
  }
  function sameBox(a, b) {
    return Math.abs(a.x - b.x) < 2 && Math.abs(a.y - b.y) < 2 && Math.abs(a.width - b.width) < 2 &&
      Math.abs(a.height - b.height) < 2;
  }

  // --- colour -------------------------------------------------------------------------------------------
  function parseColor(s) {
    const m = /rgba?\(([^)]+)\)/.exec(s || '');
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function background(el) {
    // Composite the background colours from the element up; images and gradients are not seen.
    const layers = [];
    for (let x = el; x && x.nodeType === 1; x = parentComposed(x)) {
      const c = parseColor(getComputedStyle(x).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let acc = { r: 255, g: 255, b: 255 };
    for (let i = layers.length - 1; i >= 0; i--) {
      const c = layers[i];
      acc = { r: c.r * c.a + acc.r * (1 - c.a), g: c.g * c.a + acc.g * (1 - c.a), b: c.b * c.a + acc.b * (1 - c.a) };
    }
    return acc;
  }
  function textStyleEl(el) {
    // The colour that matters is the text's: use the deepest element holding the first visible text.
    const w = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) if (n.textContent.trim() && n.parentElement) return n.parentElement;
    return el;
  }
  function contrast(el) {
    const te = textStyleEl(el);
    const fg = parseColor(getComputedStyle(te).color) || { r: 0, g: 0, b: 0, a: 1 };
    const bg = background(te);
    const f = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
    const l1 = luminance(f), l2 = luminance(bg);
    return Math.round(((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)) * 100) / 100;
  }

  // --- targets on the screen (WCAG 2.5.8) -----------------------------------------------------------------
  // The verdict agrees with axe-core's target-size rule, the reference implementation (its checks target-size
  // and target-offset, and the matcher that exempts targets in a sentence):
  //  - targets are elements with a widget role that can take focus (a label or a disabled button is none);
  //    another target is a separate one unless it leads to the same URL or is the only content of the
  //    other; a target inside another target has that target as a neighbour, and the other way round;
  //  - fixed-position content and the content that scrolls under it are two layers that never meet;
  //  - "pass": the largest rectangle of the target not covered by a separate target drawn over it is at
  //    least 24x24 (0.05 px tolerance);
  //  - "pass_inline": the target sits in a sentence (there is text outside targets on its line of its block);
  //  - "pass_spacing": from the centre of the target's uncovered part, 2 x the distance to every neighbour's
  //    uncovered part (to its 24 px circle when that part is undersized) is at least 24; else "fail".
  const TS_MIN = 24, TS_EPS = 0.05;
  const TS_WIDGETS = new Set(['button', 'checkbox', 'combobox', 'gridcell', 'link', 'listbox', 'menuitem',
    'menuitemcheckbox', 'menuitemradio', 'option', 'progressbar', 'radio', 'scrollbar', 'searchbox', 'slider',
    'spinbutton', 'switch', 'tab', 'textbox', 'treeitem']);

  function targetsOnScreen(except) {
    // Only targets on the screen (within a target's spacing of it) compete or crowd: the cheap box test
    // first keeps a 50,000-node page from costing a style lookup per node.
    // The result lists the other actionable elements, nested ones as their outermost (for the largest
    // other button); its pool lists every focusable widget on the screen but except, nested ones too (for
    // the target size).
    const vp = viewport();
    const top = vp.y - 48, bottom = vp.y + vp.height + 48;
    const out = [], pool = [];
    for (const el of allElements(roots(document, []))) {
      if (el === except) continue;
      const act = isActionable(el) && el.tagName !== 'OPTION';
      const wid = TS_WIDGETS.has(role(el));
      if (!act && !wid) continue;
      const b = box(el);
      if (b.y + b.height < top || b.y > bottom) continue;
      const kin = containsComposed(except, el) || containsComposed(el, except);
      if (kin && !wid) continue;
      if (!visible(el)) continue;
      if (wid && tsFocusable(el)) pool.push(el);
      if (act && !kin) out.push(el);
    }
    // Nested targets (a label around an input): keep the outer one.
    const set = new Set(out);
    const others = out.filter((el) => {
      for (let a = parentComposed(el); a; a = parentComposed(a)) if (set.has(a)) return false;
      return true;
    });
    others.pool = pool;
    return others;
  }

  // tsFocusable: axe-core's "focusable": not disabled or inert; natively focusable or with a tabindex.
  function tsFocusable(el) {
    if (el.matches(':disabled') || el.closest('[inert]')) return false;
    switch (el.tagName) {
      case 'A': case 'AREA': if (el.hasAttribute('href')) return true; break;
      case 'INPUT': return (el.getAttribute('type') || '').toLowerCase() !== 'hidden';
      case 'TEXTAREA': case 'SELECT': case 'SUMMARY': case 'BUTTON': return true;
    }
    return el.hasAttribute('tabindex') && !isNaN(parseInt(el.getAttribute('tabindex'), 10));
  }
  function tsTabbable(el) {
    return !(parseInt(el.getAttribute('tabindex'), 10) < 0);
  }
  // tsFixed: el is in a position: fixed subtree of its document (cached per verdict).
  function tsFixed(el, cache) {
    const path = [];
    let res = false;
    for (let x = el; x && x.nodeType === 1 && x.ownerDocument === el.ownerDocument; x = parentComposed(x)) {
      if (cache.has(x)) { res = cache.get(x); break; }
      path.push(x);
      if (getComputedStyle(x).position === 'fixed') { res = true; break; }
    }
    for (const x of path) cache.set(x, res);
    return res;
  }
  // tsDestination: where a link leads, when that says it is the same target as another link.
  function tsDestination(el) {
    if ((el.tagName !== 'A' && el.tagName !== 'AREA') || !el.hasAttribute('href')) return '';
    const href = el.getAttribute('href').trim();
    let u = null;
    try { u = new URL(href, el.ownerDocument.baseURI); } catch (e) { return ''; }
    return href === '' || u.protocol === 'javascript:' || u.href.endsWith('#') ? '' : u.href;
  }
  // tsOnlyContent: one of a and o holds the other as its only content (one target, not two).
  function tsOnlyContent(a, o) {
    const outer = containsComposed(a, o) ? a : containsComposed(o, a) ? o : null;
    if (!outer) return false;
    const inner = outer === a ? o : a;
    for (let x = outer; x !== inner;) {
      const kids = Array.from(x.childNodes).filter((n) => n.nodeType === 1 || (n.nodeType === 3 && n.nodeValue.trim()));
      if (kids.length !== 1 || kids[0].nodeType !== 1) return false;
      x = kids[0];
    }
    return true;
  }
  function tsSeparate(a, o) {
    const d = tsDestination(a);
    return !(d && d === tsDestination(o)) && !tsOnlyContent(a, o);
  }

  // Rectangles as {l, t, r, b} in top-level CSS px.
  function tsRect(x, y, w, h) { return { l: x, t: y, r: x + w, b: y + h }; }
  function tsHasMin(r, min) { return r.r - r.l + TS_EPS >= min && r.b - r.t + TS_EPS >= min; }
  function tsMeets(p, q) { return p.l < q.r && q.l < p.r && p.t < q.b && q.t < p.b; }
  function tsEncloses(outer, inner) { return inner.l >= outer.l && inner.t >= outer.t && inner.r <= outer.r && inner.b <= outer.b; }
  // tsRects: the box, or each line's box of an inline element (a link that wraps).
  function tsBox(el) {
    const b = box(el);
    return tsRect(b.x, b.y, b.width, b.height);
  }
  function tsRects(el) {
    if (getComputedStyle(el).display !== 'inline') return [tsBox(el)];
    const o = frameOffset(el);
    return Array.from(el.getClientRects(), (r) => tsRect(r.left + o.x, r.top + o.y, r.width, r.height));
  }
  // tsSplit: what of the rectangles rs the rectangles cs leave uncovered, as rectangles (they may overlap).
  function tsSplit(rs, cs) {
    for (const c of cs) {
      const next = [];
      for (const r of rs) {
        if (!tsMeets(r, c)) { next.push(r); continue; }
        if (c.t > r.t) next.push({ l: r.l, t: r.t, r: r.r, b: c.t });
        if (c.b < r.b) next.push({ l: r.l, t: c.b, r: r.r, b: r.b });
        if (c.l > r.l) next.push({ l: r.l, t: r.t, r: c.l, b: r.b });
        if (c.r < r.r) next.push({ l: c.r, t: r.t, r: r.r, b: r.b });
      }
      rs = next;
      if (rs.length > 4000) return null; // too many overlapping targets to tell
    }
    return rs;
  }
  // tsLargest: the largest rectangle; with preferMin, one of at least 24x24 first (the size check does,
  // the undersized-neighbour test does not).
  function tsLargest(rs, preferMin) {
    let best = null;
    for (const r of rs) {
      if (!best) { best = r; continue; }
      const rm = preferMin && tsHasMin(r, TS_MIN), bm = preferMin && tsHasMin(best, TS_MIN);
      if (rm !== bm ? rm : (r.r - r.l) * (r.b - r.t) > (best.r - best.l) * (best.b - best.t)) best = r;
    }
    return best;
  }
  // tsOver: o is drawn over el where their boxes meet (a descendant over its ancestor; otherwise what the
  // browser hit-tests there first), and takes pointer events.
  function tsOver(o, el, ob, eb) {
    if (getComputedStyle(o).pointerEvents === 'none') return false;
    if (containsComposed(el, o)) return true;
    if (containsComposed(o, el)) return false;
    const x = (Math.max(ob.l, eb.l) + Math.min(ob.r, eb.r)) / 2, y = (Math.max(ob.t, eb.t) + Math.min(ob.b, eb.b)) / 2;
    const root = o.getRootNode() === el.getRootNode() ? o.getRootNode() : o.ownerDocument;
    const off = frameOffset(o);
    for (const s of root.elementsFromPoint(x - off.x, y - off.y)) {
      if (containsComposed(o, s) || (containsComposed(s, o) && !containsComposed(s, el))) return true;
      if (containsComposed(el, s) || containsComposed(s, el)) return false;
    }
    return false;
  }
  // tsUncovered: the parts of el's rectangles rs that none of cs (elements) drawn over it covers; an element
  // inside el that cannot be tabbed to is part of el.
  function tsUncovered(el, rs, cs) {
    const eb = tsBox(el);
    const covers = [];
    for (const c of cs) {
      if (c === el || (containsComposed(el, c) && !tsTabbable(c))) continue;
      const cr = tsBox(c);
      if (tsMeets(cr, eb) && tsOver(c, el, cr, eb)) covers.push(...tsRects(c));
    }
    return tsSplit(rs, covers);
  }
  function tsCentre(r) { return { x: (r.l + r.r) / 2, y: (r.t + r.b) / 2 }; }
  // tsOffset: the distance from the centres of the target's parts mine to the neighbour's parts theirs (or
  // to its 24 px circle when it is undersized); null when either has no part.
  function tsOffset(mine, theirs) {
    if (!mine.length || !theirs.length) return null;
    const small = !tsHasMin(tsLargest(theirs, false), TS_MIN);
    const all = theirs.reduce((a, r) => ({ l: Math.min(a.l, r.l), t: Math.min(a.t, r.t), r: Math.max(a.r, r.r), b: Math.max(a.b, r.b) }));
    const oc = tsCentre(all);
    let min = Infinity;
    for (const m of mine) {
      const c = tsCentre(m);
      let d = Infinity;
      for (const r of theirs) {
        const dx = Math.max(r.l - c.x, 0, c.x - r.r), dy = Math.max(r.t - c.y, 0, c.y - r.b);
        d = Math.min(d, Math.hypot(dx, dy));
      }
      if (small) d = Math.max(0, Math.min(d, Math.hypot(c.x - oc.x, c.y - oc.y) - TS_MIN / 2));
      min = Math.min(min, d);
    }
    return min;
  }

  // tsInSentence: axe-core's inline exception. The target is not a block, and the line of its block that
  // holds it (up to a block or a line break either side) has text outside targets.
  function tsBlock(el, s) {
    const d = (s || getComputedStyle(el)).display;
    return d === 'block' || d === 'list-item' || d === 'table' || d === 'flex' || d === 'grid' || d.startsWith('table-');
  }
  function tsShown(el, s) {
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return false; // visually hidden
    if (s.overflow === 'visible') return true;
    const r = el.getBoundingClientRect();
    return r.width > 1 || r.height > 1;
  }
  // tsScanText: "text" when the node shows text outside targets, "stop" at a block or a line break (or when
  // the budget of nodes is spent: a line of hundreds of empty elements is no sentence).
  function tsScanText(n, back, budget) {
    if (--budget.n < 0) return 'stop';
    if (n.nodeType === 3) return /\S/.test(n.nodeValue) ? 'text' : '';
    if (n.nodeType !== 1) return '';
    if (n.tagName === 'BR' || n.tagName === 'HR') return 'stop';
    if (SKIP.has(n.tagName)) return '';
    const s = getComputedStyle(n);
    if (tsBlock(n, s)) return 'stop';
    if (!tsShown(n, s) || TS_WIDGETS.has(role(n))) return '';
    const kids = Array.from((n.shadowRoot || n).childNodes);
    if (back) kids.reverse();
    for (const k of kids) {
      const r = tsScanText(k, back, budget);
      if (r) return r;
    }
    return '';
  }
  function tsInSentence(el) {
    if (tsBlock(el)) return false;
    let anchor = el, blk = parentComposed(el);
    for (; blk && !tsBlock(blk); blk = parentComposed(blk)) if (TS_WIDGETS.has(role(blk))) anchor = blk;
    if (!blk) return false;
    for (const back of [true, false]) {
      const budget = { n: 500 };
      side: for (let n = anchor; n && n !== blk; n = n.parentNode && n.parentNode.host ? n.parentNode.host : n.parentNode) {
        for (let s = back ? n.previousSibling : n.nextSibling; s; s = back ? s.previousSibling : s.nextSibling) {
          const r = tsScanText(s, back, budget);
          if (r === 'text') return true;
          if (r === 'stop') break side;
        }
      }
    }
    return false;
  }

  function targetSize(el, b, pool) {
    const mine = tsRect(b.x, b.y, b.width, b.height);
    if (tsHasMin(mine, TS_MIN * 10)) return 'pass'; // far larger than needed: not worth the work
    const layers = new Map();
    const layer = tsFixed(el, layers);
    const peers = pool.filter((o) => o.ownerDocument === el.ownerDocument && tsFixed(o, layers) === layer);
    const targets = peers.filter((o) => tsSeparate(el, o));
    // Size: a target drawn over the whole of this one is the one that takes the click (axe-core passes this
    // one as obscured); otherwise the largest uncovered rectangle counts.
    for (const o of peers) {
      if (containsComposed(el, o) && !tsTabbable(o)) continue;
      const or = tsBox(o);
      if (tsEncloses(or, mine) && tsOver(o, el, or, mine)) return 'pass';
    }
    if (tsHasMin(mine, TS_MIN)) {
      const parts = tsUncovered(el, [mine], targets);
      if (parts && parts.length && tsHasMin(tsLargest(parts, true), TS_MIN)) return 'pass';
    }
    if (tsInSentence(el)) return 'pass_inline';
    // Spacing: every separate target within 24 px.
    const reach = { l: mine.l - TS_MIN, t: mine.t - TS_MIN, r: mine.r + TS_MIN, b: mine.b + TS_MIN };
    const myParts = tsUncovered(el, tsRects(el), peers);
    if (!myParts) return ''; // more overlapping pieces than can be told apart: not measured (axe: incomplete)
    for (const o of targets) {
      if (containsComposed(el, o) && !tsTabbable(o)) continue; // part of the target
      if (!tsMeets(tsBox(o), reach)) continue;
      const theirs = tsUncovered(o, tsRects(o), peers.concat([el]));
      if (!theirs) return '';
      const d = tsOffset(myParts, theirs);
      if (d !== null && Math.round(d * 10) / 10 * 2 + TS_EPS < TS_MIN) return 'fail';
    }
    return 'pass_spacing';
  }

  function buttonLike(el) {
    if (role(el) === 'button') return true;
    if (el.tagName !== 'A') return false;
    // A link styled as a button (filled or bordered) competes like one; a plain text link does not.
    const s = getComputedStyle(el);
    const bg = parseColor(s.backgroundColor);
    return (bg && bg.a > 0) || parseFloat(s.borderTopWidth) > 0 || parseFloat(s.borderBottomWidth) > 0;
  }

  function measure(el, b) {
    const others = targetsOnScreen(el);
    const vp = viewport();
    let largest = null;
    for (const o of others) {
      if (!buttonLike(o)) continue;
      const ob = box(o);
      if (!insideViewport(ob, vp) && !(ob.y < vp.y + vp.height && ob.y + ob.height > vp.y)) continue;
      if (!largest || ob.width * ob.height > largest.box.width * largest.box.height) {
        largest = { label: accName(o).slice(0, 200), box: ob };
      }
    }
    const area = b.width * b.height;
    const ratio = largest ? area / Math.max(largest.box.width * largest.box.height, 1e-9) : 1;
    const te = textStyleEl(el);
    return {
      label: accName(el).slice(0, 500), role: role(el), tag: el.tagName.toLowerCase(),
      contrast: contrast(el), font_size: parseFloat(getComputedStyle(te).fontSize) || 0,
      target_size: targetSize(el, b, others.pool), largest, size_ratio: Math.round(ratio * 1000) / 1000,
      in_frame: el.ownerDocument !== document, in_shadow: el.getRootNode() !== el.ownerDocument,
    };
  }

  // --- hit testing ---------------------------------------------------------------------------------------
  function hitTest(x, y) {
    let doc = document, hx = x, hy = y;
    let hit = doc.elementFromPoint(hx, hy);
    for (let i = 0; hit && i < 20; i++) {
      if (hit.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(hx, hy);
        if (inner && inner !== hit) { hit = inner; continue; }
      }
      if (hit.tagName === 'IFRAME' || hit.tagName === 'FRAME') {
        let d = null;
        try { d = hit.contentDocument; } catch (e) { /* cross-origin */ }
        if (!d) break;
        const r = hit.getBoundingClientRect();
        hx -= r.left + hit.clientLeft; hy -= r.top + hit.clientTop;
        const inner = d.elementFromPoint(hx, hy);
        if (!inner) break;
        hit = inner; continue;
      }
      break;
    }
    return hit;
  }
  // tagOf: an element as tag#id.class, without its text.
  function tagOf(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.');
    return s;
  }
  function describe(el) {
    if (!el) return 'nothing';
    const s = tagOf(el);
    const t = visibleText(el).slice(0, 40);
    return t ? s + ' "' + t + '"' : s;
  }
  // ariaHidden: the element or a composed ancestor is hidden from assistive technology.
  function ariaHidden(el) {
    for (let x = el; x && x.nodeType === 1; x = parentComposed(x)) {
      if (x.getAttribute('aria-hidden') === 'true') return true;
    }
    return false;
  }
  // inertReason says why el is inert ('' when it is not): the inert attribute on it or on a composed
  // ancestor (a frame's element included), or a modal dialog open in its document, or a document around it,
  // that it is outside of. A hit test skips inert elements, so a click would seem to land on what lies under.
  function inertReason(el) {
    for (let x = el; x && x.nodeType === 1; x = parentComposed(x)) {
      if (x.hasAttribute('inert')) {
        return x === el ? 'it has the inert attribute' : 'its ancestor ' + tagOf(x) + ' has the inert attribute';
      }
    }
    for (let doc = el.ownerDocument; doc;) {
      let m = null;
      try { m = doc.querySelector('dialog:modal'); } catch (e) { /* no :modal */ }
      if (m && !containsComposed(m, el)) return 'a modal dialog (' + tagOf(m) + ') is open and it is outside it';
      let fe = null;
      try { fe = doc.defaultView && doc.defaultView.frameElement; } catch (e) { /* cross-origin parent */ }
      doc = fe ? fe.ownerDocument : null;
    }
    return '';
  }
  function receives(el, hit) {
    if (!hit) return false;
    if (containsComposed(el, hit)) return true;
    // A label forwards its click to its control (custom checkboxes and switches).
    if (hit.tagName === 'LABEL' && hit.control === el) return true;
    const lab = hit.closest && hit.closest('label');
    return !!(lab && lab.control === el);
  }

  // clickPoint finds where a click lands on el itself, and how much of it a click can reach. Points are
  // hit-tested inside its client rects (each line box of an inline element; one border box otherwise),
  // clipped to the viewport: the centre of its visible box first, when that lies on it; else the centre of
  // the largest part that receives the hit, from a grid of points sampled in each rect (the most interior
  // point of that part). With full, or when the centre fails, the grid also says what covers the rest:
  // visible_fraction is the share of its points that receive the hit, and covered_by what takes most of the
  // others. A point that lands on an ancestor of el (a rounded corner, a part its scrolling container clips)
  // is outside its shape, neither visible nor covered. receives is false only when no point reaches it.
  const GRID_POINTS = 320, MAX_RECTS = 20;
  function clickPoint(el, b, full) {
    const vp = viewport();
    const o = frameOffset(el);
    const rects = [];
    for (const cr of el.getClientRects()) {
      const l = Math.max(cr.left + o.x, vp.x), t = Math.max(cr.top + o.y, vp.y);
      const r = Math.min(cr.right + o.x, vp.x + vp.width), bt = Math.min(cr.bottom + o.y, vp.y + vp.height);
      if (r - l >= 1 && bt - t >= 1) rects.push({ l, t, r, b: bt });
    }
    rects.sort((p, q) => (q.r - q.l) * (q.b - q.t) - (p.r - p.l) * (p.b - p.t));
    rects.length = Math.min(rects.length, MAX_RECTS);
    // The visible box's centre: a box wider than the viewport is clicked where it can be seen.
    const l = Math.max(b.x, vp.x), r = Math.min(b.x + b.width, vp.x + vp.width);
    const tp = Math.max(b.y, vp.y), bt = Math.min(b.y + b.height, vp.y + vp.height);
    const cx = r > l ? (l + r) / 2 : b.x + b.width / 2;
    const cy = bt > tp ? (tp + bt) / 2 : b.y + b.height / 2;
    const res = { x: cx, y: cy, receives: false, covered_by: '', visible_fraction: null };
    let centreHit;
    if (!rects.length || rects.some((q) => cx >= q.l && cx <= q.r && cy >= q.t && cy <= q.b)) {
      centreHit = hitTest(cx, cy);
      res.receives = receives(el, centreHit);
    }
    if (res.receives && !full) return res;
    let recvArea = 0, coverArea = 0, best = null;
    const covers = new Map(), outside = new Map();
    const add = (m, k, a) => m.set(k, (m.get(k) || 0) + a);
    const area = rects.reduce((s, q) => s + (q.r - q.l) * (q.b - q.t), 0);
    const step = Math.max(2, Math.sqrt(area / GRID_POINTS));
    for (const q of rects) {
      const w = q.r - q.l, h = q.b - q.t;
      const cols = Math.max(1, Math.min(64, Math.round(w / step))), rows = Math.max(1, Math.min(64, Math.round(h / step)));
      const cw = w / cols, ch = h / rows, ca = cw * ch;
      const on = new Uint8Array(cols * rows);
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < cols; i++) {
          const hit = hitTest(q.l + (i + 0.5) * cw, q.t + (j + 0.5) * ch);
          if (receives(el, hit)) { on[j * cols + i] = 1; recvArea += ca; }
          else if (!hit || containsComposed(hit, el)) add(outside, hit, ca);
          else { add(covers, hit, ca); coverArea += ca; }
        }
      }
      // Each part that receives (4-connected cells); the largest's most interior cell is its centre.
      const seen = new Uint8Array(cols * rows);
      for (let k = 0; k < on.length; k++) {
        if (!on[k] || seen[k]) continue;
        const cells = [k];
        seen[k] = 1;
        for (let n = 0; n < cells.length; n++) {
          const c = cells[n], i = c % cols, j = (c - i) / cols;
          for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
            const ii = i + di, jj = j + dj, cc = jj * cols + ii;
            if (ii >= 0 && ii < cols && jj >= 0 && jj < rows && on[cc] && !seen[cc]) { seen[cc] = 1; cells.push(cc); }
          }
        }
        if (best && cells.length * ca <= best.area + 1e-6) continue;
        const inRegion = new Set(cells);
        const depth = new Map();
        const queue = [];
        let mx = 0, my = 0;
        for (const c of cells) {
          const i = c % cols, j = (c - i) / cols;
          mx += i; my += j;
          const edge = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([di, dj]) => {
            const ii = i + di, jj = j + dj;
            return ii < 0 || ii >= cols || jj < 0 || jj >= rows || !inRegion.has(jj * cols + ii);
          });
          if (edge) { depth.set(c, 1); queue.push(c); }
        }
        mx /= cells.length; my /= cells.length;
        for (let n = 0; n < queue.length; n++) {
          const c = queue[n], i = c % cols, j = (c - i) / cols;
          for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
            const cc = (j + dj) * cols + i + di;
            if (i + di >= 0 && i + di < cols && inRegion.has(cc) && !depth.has(cc)) { depth.set(cc, depth.get(c) + 1); queue.push(cc); }
          }
        }
        let pick = -1, pd = -1, pdist = Infinity;
        for (const c of cells) {
          const i = c % cols, j = (c - i) / cols;
          const d = depth.get(c), dist = (i - mx) * (i - mx) + (j - my) * (j - my);
          if (d > pd || (d === pd && dist < pdist)) { pick = c; pd = d; pdist = dist; }
        }
        const pi = pick % cols, pj = (pick - pi) / cols;
        best = { area: cells.length * ca, x: q.l + (pi + 0.5) * cw, y: q.t + (pj + 0.5) * ch };
      }
    }
    const most = (m) => {
      let k = null, a = -1;
      for (const [e, v] of m) if (v > a) { k = e; a = v; }
      return k;
    };
    if (recvArea + coverArea > 0) res.visible_fraction = Math.round(recvArea / (recvArea + coverArea) * 1000) / 1000;
    else if (!res.receives) res.visible_fraction = 0; // else no point was sampled: not measured
    if (!res.receives && best) { res.receives = true; res.x = best.x; res.y = best.y; }
    if (!res.receives) {
      // Nothing reaches it: name what a click would hit (whatever covers most of it, else what the centre hits).
      res.covered_by = describe(coverArea > 0 ? most(covers) : centreHit !== undefined ? centreHit : most(outside));
    } else if (coverArea > 0.02 * (recvArea + coverArea)) {
      res.covered_by = describe(most(covers));
    }
    return res;
  }

  // --- delivery: where a press really landed ----------------------------------------------------------------
  // The hit test that clears a click cannot see what happens between it and the press: a control that moves
  // then, or when pressed, takes no click. Listeners in this isolated world (the page cannot see or remove
  // them), on the documents in the capture phase, note where the trusted press and click events of the press
  // that follows arm() went; pressed() judges them.
  let armed = null; // { el, events: [{ type, target }] }
  const listening = new WeakSet();
  function listen(doc) {
    if (!doc || listening.has(doc)) return;
    listening.add(doc);
    const note = (e) => {
      if (!armed || armed.events.length >= 32) return;
      const path = e.composedPath();
      let target = path.length ? path[0] : e.target;
      if (target && target.nodeType !== 1) target = target.parentElement || null;
      // A script's own click (a fast-click library's, made on touchend) shows the tap is over; only the
      // browser's events say where the press landed.
      armed.events.push({ type: e.type, target, trusted: e.isTrusted });
    };
    for (const type of ['pointerdown', 'mousedown', 'touchstart', 'click']) {
      doc.addEventListener(type, note, { capture: true, passive: true });
    }
  }
  function arm(el) {
    listen(document);
    listen(el.ownerDocument);
    armed = { el, events: [] };
  }

  // --- the renewal terms next to the subscribe button ------------------------------------------------------
  // The page's visible text, grouped by the nearest ancestor that is not inline (a <p>, a <div>, a table
  // cell), without the button's own text. A block is renewal terms when it says that the subscription renews
  // and states something of it (a price, a period, how to cancel), or states a price with a period. The terms
  // are the block nearest to the button that states a price; when none does, the nearest block of renewal
  // terms. Only the top document is read.
  const TEXT_NODES = 5000; // bounds the cost on huge pages
  function blockOf(n) {
    for (let a = n.parentElement; a; a = a.parentElement) {
      const d = getComputedStyle(a).display;
      if (d !== 'inline' && d !== 'contents') return a;
    }
    return n.ownerDocument.body;
  }
  function textBlocks(except) {
    const blocks = new Map();
    if (!document.body) return [];
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let n = w.nextNode();
    const shown = new Map(); // element -> visible, asked once per element
    for (let seen = 0; n && seen < TEXT_NODES; n = w.nextNode()) {
      const pe = n.parentElement;
      if (!pe || SKIP.has(pe.tagName) || !n.textContent.trim() || except.contains(pe)) continue;
      seen++;
      if (!shown.has(pe)) shown.set(pe, visible(pe));
      if (!shown.get(pe)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      const el = blockOf(n);
      let b = blocks.get(el);
      if (!b) {
        b = { el, text: '', l: Infinity, t: Infinity, r: -Infinity, b: -Infinity, fonts: new Map(), style: null, most: 0 };
        blocks.set(el, b);
      }
      const t = n.textContent;
      if (b.text.length < 5000) b.text += t;
      for (const r of rects) {
        b.l = Math.min(b.l, r.left); b.t = Math.min(b.t, r.top); b.r = Math.max(b.r, r.right); b.b = Math.max(b.b, r.bottom);
      }
      const chars = t.trim().length;
      const fs = parseFloat(getComputedStyle(pe).fontSize) || 0;
      b.fonts.set(fs, (b.fonts.get(fs) || 0) + chars);
      if (chars > b.most) { b.most = chars; b.style = pe; } // the block's font is that of its longest text
    }
    return Array.from(blocks.values());
  }
  function elementBlock(el) {
    const r = el.getBoundingClientRect();
    const te = textStyleEl(el);
    const fs = parseFloat(getComputedStyle(te).fontSize) || 0;
    return { el, text: el.innerText || '', l: r.left, t: r.top, r: r.right, b: r.bottom, fonts: new Map([[fs, 1]]), style: te };
  }
  function gap(a, b) {
    const dx = Math.max(0, b.l - a.r, a.l - b.r), dy = Math.max(0, b.t - a.b, a.t - b.b);
    return Math.hypot(dx, dy);
  }
  function medianFont(fonts) {
    const all = Array.from(fonts.entries()).sort((x, y) => x[0] - y[0]);
    let total = 0;
    for (const [, c] of all) total += c;
    let acc = 0;
    for (const [fs, c] of all) { acc += c; if (acc * 2 >= total) return fs; }
    return 0;
  }
  function lowestCommon(a, b) {
    for (let x = a; x; x = x.parentElement) if (x.contains(b)) return x;
    return null;
  }
  function disclosureNear(button, given, lex) {
    const re = (src) => regex(src, lex.Flags);
    const price = re(lex.Price), period = re(lex.Period), cancel = re(lex.Cancel), renewal = re(lex.Renewal);
    const isTerms = (t) => (renewal.test(t) && (price.test(t) || period.test(t) || cancel.test(t))) ||
      (price.test(t) && period.test(t));
    const br = button.getBoundingClientRect();
    const bb = { l: br.left, t: br.top, r: br.right, b: br.bottom };
    const blocks = textBlocks(button);
    let terms = null;
    if (given) {
      terms = elementBlock(given);
    } else {
      // The price is the term that matters most: the nearest block that states one with its renewal or
      // period is taken; only when no block states a price, the nearest block of renewal terms.
      let best = Infinity, priced = false;
      for (const b of blocks) {
        const t = norm(b.text);
        if (!isTerms(t)) continue;
        const p = price.test(t) && (renewal.test(t) || period.test(t));
        const d = gap(bb, b);
        if ((p && !priced) || (p === priced && d < best)) { best = d; terms = b; priced = p; }
      }
    }
    if (!terms) return { button: true, found: false, ready: document.readyState };
    const vp = viewport();
    const around = new Map();
    for (const b of blocks) {
      if (b === terms || b.el === terms.el || gap(terms, b) > vp.height) continue;
      for (const [fs, c] of b.fonts) around.set(fs, (around.get(fs) || 0) + c);
    }
    const form = button.closest('form');
    const common = lowestCommon(button, terms.el);
    const page = !common || common === document.documentElement || common === document.body || common.tagName === 'MAIN';
    const sameBlock = !!(form && form.contains(terms.el)) ||
      (!page && common.getBoundingClientRect().height <= vp.height);
    const u = { l: Math.min(bb.l, terms.l), t: Math.min(bb.t, terms.t), r: Math.max(bb.r, terms.r), b: Math.max(bb.b, terms.b) };
    const style = terms.style || terms.el;
    return {
      button: true, found: true, text: cut(terms.text, 5000),
      font_px: parseFloat(getComputedStyle(style).fontSize) || 0, contrast: contrast(style),
      around_font_px: medianFont(around), distance_px: Math.round(gap(bb, terms) * 10) / 10, same_block: sameBlock,
      together: u.r - u.l <= vp.width + 0.5 && u.b - u.t <= vp.height + 0.5, ready: document.readyState,
    };
  }

  // --- the options a screen offers (options_on_path) ------------------------------------------------------
  // What a person can activate to answer a screen's question: buttons, links, radio choices, check boxes,
  // switches, menu items, tabs and a select's choices, in the screen's content. The site's chrome (its
  // banner, navigation, footer and sidebars) asks no question of its own; when the step's target sits in an
  // open dialog (or a modal dialog is open), the dialog is the screen and only what is inside it counts.
  const OPTION_ROLES = new Set(['button', 'link', 'radio', 'checkbox', 'switch', 'menuitem', 'menuitemradio',
    'menuitemcheckbox', 'option', 'tab']);
  const CHROME_ROLES = new Set(['banner', 'navigation', 'contentinfo', 'complementary']);
  const SECTIONING = 'article,aside,main,nav,section';
  const DIALOGS = 'dialog,[role=dialog],[role=alertdialog],[aria-modal=true]';
  const OPTION_BUDGET = 5000; // option-like elements examined: a page of 100,000 buttons costs no more

  function composedClosest(el, sel) {
    for (let x = el; x && x.nodeType === 1; x = parentComposed(x)) if (x.matches(sel)) return x;
    return null;
  }
  // chromeLandmark: x is a part of the site's chrome: nav, aside, a header or footer that is the page's
  // banner or content info (as HTML-AAM maps them: not inside article, aside, main, nav or section), or an
  // element with one of those landmark roles. An explicit role decides over the tag.
  function chromeLandmark(x) {
    const r = (x.getAttribute('role') || '').trim();
    if (r) return CHROME_ROLES.has(r.split(/\s+/)[0].toLowerCase());
    switch (x.tagName) {
      case 'NAV': case 'ASIDE': return true;
      case 'HEADER': case 'FOOTER': return !composedClosest(parentComposed(x), SECTIONING);
    }
    return false;
  }
  // cutOff: el or an element around it takes el off the screen's options: aria-hidden, inert, aria-disabled
  // or, on a page (no dialog), the site's chrome. One walk of attributes: cheap before the style lookups.
  function cutOff(el, dialog) {
    for (let x = el; x && x.nodeType === 1; x = parentComposed(x)) {
      if (x.getAttribute('aria-hidden') === 'true' || x.hasAttribute('inert') ||
        x.getAttribute('aria-disabled') === 'true') return true;
      if (!dialog && chromeLandmark(x)) return true;
    }
    return false;
  }
  // shownOption: el is on the screen; a radio or check box drawn by its label (the input itself hidden, as
  // custom controls do) is chosen through the label, so a visible label will do.
  function shownOption(el) {
    if (visible(el)) return true;
    const t = (el.getAttribute('type') || '').toLowerCase();
    return el.tagName === 'INPUT' && (t === 'radio' || t === 'checkbox') && !!el.labels &&
      Array.from(el.labels).some(visible);
  }
  // offered: a person can activate el now: not editable content, enabled, not cut off (see cutOff), shown.
  // Outside an open modal dialog nothing is read: the dialog is the screen then (see optionScope).
  function offered(el, dialog) {
    return !el.isContentEditable && !el.matches(':disabled') && !cutOff(el, dialog) && shownOption(el);
  }
  function optionLabel(el, maxLabel) {
    return cut(accName(el), maxLabel) || '(' + (role(el) || el.tagName.toLowerCase()) + ' without a label)';
  }
  function selectLabels(sel, maxLabel) {
    const out = [];
    for (const o of Array.from(sel.options).slice(0, OPTION_BUDGET)) {
      if (o.hidden || o.matches(':disabled')) continue;
      out.push(cut(o.label || o.text, maxLabel) || '(option without a label)');
    }
    return out;
  }
  // optionScope: the dialog that is the screen, or null for the page: the dialog around the step's target
  // t; else the last modal dialog open (a <dialog> shown modal, or a visible element with aria-modal=true).
  function optionScope(t) {
    let el = null;
    if (t) {
      try { el = resolve(t).el || find(t); } catch (e) { el = null; }
    }
    const around = el && composedClosest(el, DIALOGS);
    if (around) return around;
    let top = null;
    for (const r of roots(document, [])) {
      for (const d of r.querySelectorAll('dialog,[aria-modal=true]')) {
        let modal = false;
        try { modal = d.matches(':modal'); } catch (e) { /* no :modal */ }
        if (modal || (d.getAttribute('aria-modal') === 'true' && visible(d))) top = d;
      }
    }
    return top;
  }
  // screenOptions: the distinct labels (case ignored) of what dialog (or, when null, the page) offers, in
  // document order (content of shadow roots and frames after their document's), at most max of them.
  function screenOptions(dialog, max, maxLabel) {
    const seen = new Set(), out = [];
    let truncated = false, looked = 0;
    const add = (label) => {
      const key = label.toLowerCase();
      if (seen.has(key)) return true;
      if (out.length >= max) { truncated = true; return false; }
      seen.add(key);
      out.push(label);
      return true;
    };
    for (const el of allElements(roots(dialog || document, []))) {
      const select = el.tagName === 'SELECT';
      if (!select && (el.tagName === 'OPTION' || !OPTION_ROLES.has(role(el)))) continue;
      if (++looked > OPTION_BUDGET) { truncated = true; break; }
      if (!offered(el, dialog)) continue;
      const labels = select ? selectLabels(el, maxLabel) : [optionLabel(el, maxLabel)];
      if (!labels.every(add)) break;
    }
    return { options: out, truncated };
  }

  // --- operations -----------------------------------------------------------------------------------------
  const ops = {
    // state: what document the top frame shows; timeOrigin changes with every new document.
    state() {
      return { url: location.href, origin: performance.timeOrigin, title: document.title };
    },
    // probe: is the target visible now (no waiting)? pending: the document the target was seen on is on its
    // way out (the latest action started a navigation to another document), so it is not the next screen.
    probe(t) {
      const els = findAll(t);
      return { count: els.length, ok: els.length > (t.nth || 0), url: location.href, pending: !!(mark && mark.leaving) };
    },
    // prepare: locate (strictly: see resolve), note the box on arrival, scroll into view, find the click
    // point and what keeps a click from the target. A locator that means several elements is not found:
    // ambiguous, with the candidates; one taken among several says so (chosen).
    prepare(t, opt) {
      const found = resolve(t);
      const el = found.el;
      last = el;
      if (!el) return { found: false, ambiguous: !!found.ambiguous, count: found.count, candidates: found.candidates || [] };
      const vp0 = viewport();
      const arrival = box(el);
      const inView = insideViewport(arrival, vp0);
      if (opt.scroll && !inView) el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
      const b = box(el);
      const vp = viewport();
      const cp = clickPoint(el, b, !!opt.measure);
      const res = {
        found: true, box: b, in_viewport_on_arrival: inView, x: (cp.x - vp.x) * vp.scale, y: (cp.y - vp.y) * vp.scale,
        receives: cp.receives, covered_by: cp.covered_by, visible_fraction: cp.visible_fraction,
        inert: cp.receives ? '' : inertReason(el),
        pointer_events_none: getComputedStyle(el).pointerEvents === 'none',
        disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true',
        aria_hidden: ariaHidden(el),
        checked: el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.getAttribute('aria-checked') === 'true',
        tag: el.tagName.toLowerCase(), url: el.ownerDocument.location.href,
      };
      if (found.chosen) { res.chosen = true; res.count = found.count; res.candidates = found.candidates; }
      if (opt.measure) res.measure = measure(el, b);
      if (opt.offers) {
        const scope = el.closest('dialog,[role=dialog],[role=alertdialog],form,section,main') || el.ownerDocument.body;
        const txt = cut(scope ? scope.innerText : '', 20000);
        const m = new RegExp(opt.offers, 'iu').exec(txt);
        res.offer_text = m ? txt.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30) : '';
      }
      return res;
    },
    // hits: would a click at (x, y) (Input coordinates, as prepare returned them) still reach the last
    // prepared target? A control may have moved since it was measured. When it would, the press that
    // follows is watched (see arm and pressed).
    hits(x, y) {
      const el = last;
      armed = null;
      if (!el || !el.isConnected) return { receives: false, hit: 'nothing (the element is gone)' };
      const vp = viewport();
      const hit = hitTest(x / vp.scale + vp.x, y / vp.scale + vp.y);
      const ok = receives(el, hit);
      if (ok) arm(el);
      return { receives: ok, hit: ok ? '' : describe(hit) };
    },
    // pressed: did the press since hits() reach the target? (x, y) is where it was made (Input coordinates).
    // seen: events of it reached this document (a document that replaced the pressed one has none);
    // delivered: the press (pointerdown, mousedown, touchstart) landed on the target (or, when the page
    // replaced the target's element, on the element t now means), and the click did too, unless the page
    // reacted to the press by other means than moving the target away from under the pointer (a menu opened
    // over it, a new screen: the press was the person's, and the page took it); click: the click came (a
    // tap's is made from the gesture, after the touch events); hit: where a missed press or click landed.
    pressed(t, x, y) {
      const a = armed;
      if (!a) return { seen: false };
      const ok = (target) => {
        if (receives(a.el, target)) return true;
        if (a.el.isConnected || !t) return false;
        const now = resolve(t).el;
        return !!now && receives(now, target);
      };
      let press = null, click = null, anyClick = false;
      for (const ev of a.events) {
        if (ev.type === 'click') { anyClick = true; if (ev.trusted) click = click || ev; }
        else if (ev.trusted) press = press || ev;
      }
      let miss = press && !ok(press.target) ? press : null;
      if (!miss && click && !ok(click.target) && a.el.isConnected && visible(a.el)) {
        // It ran from the press when it no longer lies under the point.
        const vp = viewport(), o = frameOffset(a.el);
        const px = x / vp.scale + vp.x - o.x, py = y / vp.scale + vp.y - o.y;
        const under = Array.from(a.el.getClientRects()).some((r) =>
          px >= r.left - 1 && px <= r.right + 1 && py >= r.top - 1 && py <= r.bottom + 1);
        if (!under) miss = click;
      }
      return { seen: !!(press || click), delivered: !miss, click: anyClick, hit: miss ? describe(miss.target) : '' };
    },
    // read: text and style of a target (the disclosure next to the subscribe button).
    read(t) {
      const el = find(t);
      if (!el) return { found: false };
      const te = textStyleEl(el);
      return {
        found: true, text: cut(el.innerText, 5000), font_size: parseFloat(getComputedStyle(te).fontSize) || 0,
        contrast: contrast(el), checked: !!el.checked || el.getAttribute('aria-checked') === 'true',
        ready: document.readyState,
      };
    },
    // disclosure: the renewal terms nearest to the subscribe button b (or the element d names), where they
    // are and how they look. button: false while b is not on the screen.
    disclosure(b, d, lex) {
      const button = find(b);
      if (!button) return { button: false };
      const given = d ? find(d) : null;
      if (d && !given) return { button: true, found: false, ready: document.readyState };
      return disclosureNear(button, given, lex);
    },
    // focusForInput: focus the last prepared field (or, when the page replaced it, the one t now means) and
    // select its content, so typed text replaces it.
    focusForInput(t) {
      const el = last && last.isConnected ? last : t ? resolve(t).el : null;
      if (!el) return false;
      el.focus();
      if (typeof el.select === 'function') el.select();
      else if (el.isContentEditable) {
        const range = el.ownerDocument.createRange(); range.selectNodeContents(el);
        const sel = el.ownerDocument.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      }
      return el.ownerDocument.activeElement === el || el.getRootNode().activeElement === el;
    },
    // selectOption: choose an option of the last prepared <select> (or, when the page replaced it, the one
    // t now means) by its visible label (or value).
    selectOption(label, t) {
      const el = last && last.isConnected ? last : t ? resolve(t).el : null;
      if (!el || el.tagName !== 'SELECT') return 'not a select element';
      const want = norm(label);
      const opt = Array.from(el.options).find((o) => norm(o.label || o.text) === want || o.value === label);
      if (!opt) return 'no option "' + label + '"';
      el.value = opt.value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return '';
    },
    // screen: what the page shows, for a failure's reason.
    screen() {
      return { url: location.href, title: document.title, text: cut(document.body ? document.body.innerText : '', 300) };
    },
    // outline: draw (or remove) a red frame around a box for the evidence screenshot.
    outline(b) {
      if (outlineEl) { outlineEl.remove(); outlineEl = null; }
      if (!b) return;
      const d = document.createElement('div');
      d.setAttribute('aria-hidden', 'true');
      d.style.cssText = 'position:fixed;pointer-events:none;z-index:2147483647;box-sizing:border-box;' +
        'border:3px solid #e00;outline:2px solid #fff;left:' + (b.x - 3) + 'px;top:' + (b.y - 3) + 'px;width:' +
        (b.width + 6) + 'px;height:' + (b.height + 6) + 'px';
      (document.body || document.documentElement).appendChild(d);
      outlineEl = d;
    },
    // mark: what the screen shows before an action, so that what the action opened can be told afterwards
    // (see changed). t is what should appear next (may be null).
    mark(t) {
      watchNavigation();
      const next = t ? findAll(t).map((el) => ({ label: accName(el).slice(0, 200), box: box(el) })) : [];
      mark = { leaving: false, next, lines: screenLines() };
      return { url: location.href, origin: performance.timeOrigin, title: document.title };
    },
    // changed: after the action, on the same document as mark. new_target: the element t now finds stands
    // where nothing with its label stood before (a menu, dialog or panel opened); overlap: the share of the
    // screen's lines of text before the action that it still shows (low: another screen at the same URL; a
    // menu or a dialog over the page leaves it high).
    changed(t) {
      const st = { url: location.href, origin: performance.timeOrigin, title: document.title, marked: !!mark };
      if (!mark) return st;
      const el = t ? find(t) : null;
      st.new_target = !!el && !mark.next.some((m) => m.label === accName(el).slice(0, 200) && sameBox(m.box, box(el)));
      const before = new Set(mark.lines), now = screenLines();
      let common = 0;
      for (const l of now) if (before.has(l)) common++;
      st.overlap = before.size ? common / before.size : 1;
      return st;
    },
    // scrollMore: scroll down one screen, as a person looking for something further down would; says whether
    // the page moved and whether it grew (content loaded on scroll).
    scrollMore() {
      const se = document.scrollingElement || document.documentElement;
      const h0 = se.scrollHeight, y0 = se.scrollTop;
      se.scrollBy({ top: Math.max(window.innerHeight * 0.9, 100), behavior: 'instant' });
      return { moved: se.scrollTop > y0, from: y0, height: se.scrollHeight, grew: se.scrollHeight > h0,
        at_bottom: se.scrollTop + window.innerHeight >= se.scrollHeight - 2 };
    },
    // scrollTo: back to where a search by scrolling began, so that what is measured next is measured as the
    // page first showed it (a control found further down is then not "in view on arrival").
    scrollTo(y) {
      const se = document.scrollingElement || document.documentElement;
      se.scrollTo({ top: y, behavior: 'instant' });
    },
    // closedFrames: visible frames the locators cannot enter (another origin, or not yet loaded), by origin
    // and size: what a target may be hidden in.
    closedFrames() {
      const out = [];
      for (const r of roots(document, [])) {
        for (const f of r.querySelectorAll('iframe,frame')) {
          let d = null;
          try { d = f.contentDocument; } catch (e) { /* cross-origin */ }
          if (d && d.documentElement) continue;
          if (!visible(f)) continue;
          const b = box(f);
          if (b.width < 40 || b.height < 20) continue; // tracking pixels and hidden helpers hold no control
          let origin = '';
          try { origin = new URL(f.src, location.href).origin; } catch (e) { origin = f.src || ''; }
          out.push({ origin: cut(origin, 200), width: Math.round(b.width), height: Math.round(b.height) });
        }
      }
      return out.slice(0, 10);
    },
    // options: what the screen offers a person to answer its question (options_on_path; see screenOptions).
    // t is the target of the step about to act on it: when it sits in a dialog, the dialog is the screen.
    options(t, max, maxLabel) {
      const dialog = optionScope(t);
      const r = screenOptions(dialog, max, maxLabel);
      return { url: location.href, scope: dialog ? 'dialog' : 'page', options: r.options, truncated: r.truncated };
    },
    // mask: hide the text of fields that would show a credential in a screenshot.
    mask(targets) {
      for (const t of targets) for (const el of findAll(t)) {
        el.style.setProperty('-webkit-text-security', 'disc', 'important');
        el.style.setProperty('color', 'transparent', 'important');
        el.style.setProperty('text-shadow', '0 0 0 #888', 'important');
      }
    },
  };
  return function (op, ...args) { return ops[op](...args); };
})()
