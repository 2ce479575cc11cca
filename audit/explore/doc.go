// Package explore searches a site for its cancel control and proves the shortest path a user could take
// to it, without a scripted path: `cancelpath explore`.
//
// The search is breadth-first from the logged-in landing page. A node is a path of scenario steps (click
// or hover, each with a locator that re-finds its element: exact text, else role and accessible name,
// else a CSS path, with nth when the match repeats). Expanding a node replays its path with the engine
// (audit/run.Open and Driver.Do: real pointer input, the same waits as audit) in a fresh context that has
// logged in afresh, so nothing one branch does leaks into another; then reads the screen. A screen is a
// URL and the set of its visible controls, so a menu opened on a page is a screen of its own and the
// search does not loop. Links to a page already seen or queued are not followed again. A click that opens
// a new tab or window (target=_blank, window.open) leads to that page, as it would for a person.
//
// What a person can activate, and is tried: links, buttons, elements with an ARIA role of button, link,
// menuitem, tab or treeitem, elements with an onclick attribute, tabindex or their own cursor: pointer (the
// usual sign of a click handler), inside same-origin iframes and open shadow roots. Menus that open on
// hover are tried with a hover, pragmatically: an element with aria-haspopup, or the nearest visible
// ancestor (within four levels, at most 480×120 px) of a hidden link or button whose hidden part is no
// dialog and no [hidden] panel; evaluating every :hover style rule would cost more than it finds. Nothing
// is hovered on a touch device.
//
// The goal is a control whose accessible name or text holds a cancel term of the lexicon (and no
// not_cancel term: 退订指引 is a guide, not the control), or an auto-renewal switch or checkbox that is on.
// It is found, never clicked: its click is counted in the path's clicks_to_control.
//
// What could do harm is never activated:
//   - a control whose label holds a deny term (logout, delete account, pay, buy, recharge, subscribe,
//     change password ...), or a link whose path or query holds a deny_href term (/logout, /pay ...);
//   - a submit button with a form owner (no form is submitted after the login); a button of type
//     "button" inside a form is a menu or a toggle and is tried;
//   - switches, checkboxes and radio buttons (they change settings), text fields and selects;
//   - links to another host than the scenario's, the landing page's and allow_hosts; a script that takes
//     the page off the site ends that branch;
//   - confirm() and prompt() are answered "no" in the search's tabs (not yet in a popup tab it follows).
//
// The search stops at the first level (number of actions) with a screen that shows a cancel control —
// BFS makes that path the shortest — at the first such screen in the level's order unless
// Options.Complete, or when a budget ends (MaxDepth, MaxActions, Timeout): then the result is not_found
// and says how far it went. The shortest path is then replayed once more as `audit` would run the
// scenario written from it, each step announcing the next step's target, so the engine measures its
// levels; Result.ScenarioYAML writes that scenario.
package explore
