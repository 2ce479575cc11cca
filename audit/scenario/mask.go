package scenario

import (
	"cmp"
	"slices"
	"strings"
)

// Mask replaces every secret (s.Secrets) in text with "***". Longer secrets go first, so that a secret
// containing another is hidden whole.
func (s *Scenario) Mask(text string) string {
	text, _ = s.MaskCount(text)
	return text
}

// MaskCount is Mask that also says how many secrets it replaced (the web archive declares the count).
func (s *Scenario) MaskCount(text string) (string, int) {
	if s == nil {
		return text, 0
	}
	return maskCount(text, s.Secrets)
}

func mask(text string, secrets []string) string {
	text, _ = maskCount(text, secrets)
	return text
}

func maskCount(text string, secrets []string) (string, int) {
	if len(secrets) == 0 || text == "" {
		return text, 0
	}
	secrets = slices.Clone(secrets)
	slices.SortStableFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	n := 0
	for _, secret := range secrets {
		if secret != "" {
			n += strings.Count(text, secret)
			text = strings.ReplaceAll(text, secret, "***")
		}
	}
	return text, n
}
