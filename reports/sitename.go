package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// maxSiteNameLen bounds the readable part of a site page's file name, in bytes.
const maxSiteNameLen = 60

// siteFileName names a site's page (without ".html") from its key, a scenario id that comes from the results
// file and may hold anything. The name is lower-case ASCII letters, digits, '-' and '_' only: no path separator,
// no "..", nothing a URL or a file system treats specially. A key that loses anything on the way (case,
// other characters, length) or that would be a reserved device name on Windows gets a short hash of itself
// appended, so that different keys keep different, stable names; used settles what collisions remain.
func siteFileName(key string, used map[string]bool) string {
	var b strings.Builder
	dash := false
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if len(name) > maxSiteNameLen {
		name = strings.TrimRight(name[:maxSiteNameLen], "-")
	}
	if name == "" {
		name = "site"
	}
	if name != key || windowsReserved(name) {
		sum := sha256.Sum256([]byte(key))
		name += "-" + hex.EncodeToString(sum[:4])
	}
	unique := name
	for n := 2; used[unique]; n++ {
		unique = name + "-" + strconv.Itoa(n)
	}
	used[unique] = true
	return unique
}

// windowsReserved: names Windows keeps for devices, whatever the extension.
func windowsReserved(name string) bool {
	switch name {
	case "con", "prn", "aux", "nul":
		return true
	}
	return len(name) == 4 && (strings.HasPrefix(name, "com") || strings.HasPrefix(name, "lpt")) &&
		name[3] >= '0' && name[3] <= '9'
}
