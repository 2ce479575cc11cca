package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cancelpath/cancelpath/audit/yamlfile"
)

// ariaRoles are the concrete WAI-ARIA 1.2 roles (plus the graphics module and the ARIA 1.3 additions
// browsers already expose), sorted. A role outside this list would never match, so it is a typo.
// Digital publishing roles (doc-*) are accepted by prefix.
var ariaRoles = []string{
	"alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption", "cell",
	"checkbox", "code", "columnheader", "combobox", "comment", "complementary", "contentinfo", "definition",
	"deletion", "dialog", "directory", "document", "emphasis", "feed", "figure", "form", "generic",
	"graphics-document", "graphics-object", "graphics-symbol", "grid", "gridcell", "group", "heading",
	"image", "img", "insertion", "link", "list", "listbox", "listitem", "log", "main", "mark", "marquee",
	"math", "menu", "menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation",
	"none", "note", "option", "paragraph", "presentation", "progressbar", "radio", "radiogroup", "region",
	"row", "rowgroup", "rowheader", "scrollbar", "search", "searchbox", "sectionfooter", "sectionheader",
	"separator", "slider", "spinbutton", "status", "strong", "subscript", "suggestion", "superscript",
	"switch", "tab", "table", "tablist", "tabpanel", "term", "textbox", "time", "timer", "toolbar",
	"tooltip", "tree", "treegrid", "treeitem",
}

// checkRole accepts an ARIA role name as browsers compute it (lower case).
func checkRole(role string) error {
	if _, found := slices.BinarySearch(ariaRoles, role); found || strings.HasPrefix(role, "doc-") && len(role) > 4 {
		return nil
	}
	if c := yamlfile.Closest(role, ariaRoles); c != "" {
		return fmt.Errorf("unknown ARIA role %s: did you mean %q?", yamlfile.Quote(role), c)
	}
	return fmt.Errorf("unknown ARIA role %s: expected a WAI-ARIA role such as button, link, switch, checkbox, menuitem or dialog", yamlfile.Quote(role))
}
