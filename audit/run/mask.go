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
	text = sc.Mask(text)
	for _, secret := range sc.Secrets {
		if secret == "" {
			continue
		}
		for _, v := range []string{url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret)} {
			if v != secret {
				text = strings.ReplaceAll(text, v, "***")
			}
		}
	}
	return text
}
