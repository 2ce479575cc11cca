// Package explore searches a site for its cancel control and proves the shortest path a user could take
// to it, without a scripted path: `cancelpath explore`.
//
// The search is breadth-first from the logged-in landing page. A node is a path of scenario steps (click,
// hover, or select with an option, each with a locator that re-finds its element and means one element:
// exact text, else role and accessible name, narrowed within the nearest container with an id, with nth
// when the match repeats, else a CSS path). Expanding a node replays its path with the engine
// (audit/run.Open and Driver.Do: real pointer input, the same waits as audit), then reads the screen. A
// screen is a URL and the set of its visible controls, so a menu opened on a page is a screen of its own
// and the search does not loop. Links to a page already seen or queued are not followed again. A click that
// opens a new tab or window (target=_blank, window.open) leads to that page, as it would for a person.
//
// Replays are cheap (entry.go, pool.go). The search logs in once per device, on the landing page's replay,
// and saves the session (cookies and localStorage, the storage state a scenario's session: key reads); the
// other replays start from it. A replay whose path passes through a page that loaded by itself (a link, a
// route) starts on the deepest such page, opened by its URL, and replays only the steps after it. An entry
// page is checked: it must show the screen the search saw load (the same address and controls); one that
// does not (it needs what an earlier step set up: a payment channel's hand-off) is not entered directly
// again, and a saved session whose landing page differs is put to a login: if the login shows the landing
// page the search saw, the site dropped the session and every new context logs in from then on. A context
// whose replay did nothing but load pages of the site takes the next replay (through a blank page when
// only a fragment differs); any other replay closes its context. At most Parallel replays run at once.
//
// A screen is read once the page has stopped doing things (settle.go): no document loading and no
// navigation requested and not begun (a script's location.replace while the page loads included), no
// request of its own in flight (documents, scripts, styles, XHR and fetch; each for 2 s at most), nothing on
// display aria-busy, no short transition running, and then neither the DOM nor the controls changed for
// 100 ms; all of it bounded by the step timeout, and a page that keeps animating is read once its controls
// stood still for 600 ms. A single-page app that renders a screen from an API call is read after the call.
//
// What a person can activate, and is tried: links, buttons, elements with an ARIA role of button, link,
// menuitem, tab or treeitem, elements with an onclick attribute, tabindex or their own cursor: pointer (the
// usual sign of a click handler), native selects that pick a page or a view (outside a form, or in a form
// sent with GET: a phone's "Tools" menu) with each of their options (choosing one is the select step, one
// click, as the engine counts it), inside same-origin iframes and open shadow roots. Menus that open on hover
// are tried with a hover, pragmatically: an element with aria-haspopup, or the nearest visible ancestor
// (within four levels, at most 480×120 px) of a hidden link or button whose hidden part is no dialog and no
// [hidden] panel. Nothing is hovered on a touch device. A link to something of its own page that is on
// display already (a table of contents, "back to top") only scrolls, and is not tried.
//
// The goal is a control whose accessible name or text holds a cancel term of the lexicon (and no
// not_cancel term: 退订指引 is a guide, not the control), or an auto-renewal switch or checkbox that is on;
// form fields are never the control. One that acts where it stands (a button, a switch, a submit) is the
// control: it is found, never activated. One whose activation only loads a page (a link to another page of
// the site or a route, an option that loads a page, a button worded as a way there: 前往, Go to) is a
// candidate: the search follows it and judges it by what that page shows (proof.go). It is the control
// when the page shows the cancellation under way — a confirm() (answered no), a flow control of the lexicon
// (确认退订, 仍要取消, Keep my subscription, jetzt kündigen), a bare confirm button on a page about
// cancelling, a form whose submit names cancelling, or text saying it took effect — and that page is not
// searched further; it is a signpost, a step on the way (Result.Signposts), when the page holds a cancel
// control of its own ("前往退订页面", "Go to cancellation", "Zur Kündigung").
//
// What could do harm is never activated:
//   - a control or an option whose label holds a deny term (logout, delete account, pay, buy, recharge,
//     subscribe, change password ...), or a link or option whose page's path or query holds a deny_href
//     term (/logout, /pay ...);
//   - a submit button with a form owner (no form is submitted after the login); a button of type
//     "button" inside a form is a menu or a toggle and is tried; a select of a form that is posted;
//   - switches, checkboxes and radio buttons (they change settings), text fields;
//   - links to another host than the scenario's, the landing page's and allow_hosts; a script that takes
//     the page off the site ends that branch;
//   - confirm() and prompt() are answered "no" in the search's tabs (not yet in a popup tab it follows).
//
// The search stops at the first level (number of actions) with a screen that shows a cancel control —
// BFS makes that path the shortest — at the first such screen in the level's order unless Options.Complete,
// or when a budget ends (MaxDepth, MaxActions, Timeout): then the result is not_found and says how far it
// went. Within a level the nodes following the candidates of the level before go first (one of them may
// prove a control a level shorter, so the level does not stop before they are read), then those named by a
// cancel term, then the hints' way to the account settings. The shortest path is then replayed once more
// from the landing page in a fresh context, as `audit` would run the scenario written from it, each step
// announcing the next step's target, so the engine measures its levels; Result.ScenarioYAML writes that
// scenario. Result.Explored says how much it cost: contexts, logins, pages, wall time.
package explore
