package scenario

import (
	"cmp"
	"slices"
	"strings"
)

// Mask replaces every secret (s.Secrets) in text with "***". Longer secrets go first, so that a secret
// containing another is hidden whole.
func (s *Scenario) Mask(text string) string {
	if s == nil {
		return text
	}
	return mask(text, s.Secrets)
}

func mask(text string, secrets []string) string {
	if len(secrets) == 0 || text == "" {
		return text
	}
	secrets = slices.Clone(secrets)
	slices.SortStableFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, secret := range secrets {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "***")
		}
	}
	return text
}
