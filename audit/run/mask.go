package run

import (
	"html"
	"net/url"
	"strings"

	"github.com/cancelpath/cancelpath/audit/scenario"
)

// maskVariants masks the secrets of sc as written and in the encodings a page puts them in: URL query and
// path escaping, HTML escaping.
func maskVariants(sc *scenario.Scenario, text string) string {
	text, _ = maskCounted(sc, text)
	return text
}

// maskCounted is maskVariants that also counts the replacements (the web archive declares the count).
func maskCounted(sc *scenario.Scenario, text string) (string, int) {
	text, n := sc.MaskCount(text)
	if sc == nil {
		return text, n
	}
	for _, secret := range sc.Secrets {
		if secret == "" {
			continue
		}
		for _, v := range []string{url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret)} {
			if v != secret {
				n += strings.Count(text, v)
				text = strings.ReplaceAll(text, v, "***")
			}
		}
	}
	return text, n
}
