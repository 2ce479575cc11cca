package evidence

import (
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/cancelpath/cancelpath/audit/metrics"
	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// Provenance says what produced an evidence folder, so that a reader can judge and repeat it: the tool's
// build, the browser and what its pages saw of locale and zone, the device emulated, the machine's clock,
// and each origin the run talked to (its IPs and TLS certificates). A field that could not be learnt is
// left empty and says so ("unknown"), never guessed.
type Provenance struct {
	Tool    Build          `json:"tool"`
	Browser BrowserFacts   `json:"browser"`
	Device  metrics.Device `json:"device"`
	Machine Machine        `json:"machine"`
	// Origins are the scheme://host:port the run's pages talked to after the login, with the server IPs and,
	// for https, the certificate chain (the run's web archive records the traffic itself).
	Origins []metrics.Origin `json:"origins"`
}

// Build identifies the tool's code: the release version, and the commit when the binary was built from a
// checkout (go build, or go run -buildvcs=true as scripts/demo does).
type Build struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`                // "unknown" when the build carries no version control stamp
	CommitTime string `json:"commit_time,omitempty"` // RFC 3339
	// Modified: the checkout had uncommitted changes, so the commit alone does not identify the code.
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"` // GOOS/GOARCH
}

// ToolBuild reads the running binary's build stamp.
func ToolBuild(version string) Build {
	b := Build{Version: version, Commit: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.CommitTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// BrowserFacts is the browser's product and what its pages see of language and time zone: a site may show
// other terms to another language, and times on its pages depend on the zone.
type BrowserFacts struct {
	Product   string   `json:"product"`             // "Chrome/156.0.8078.73"
	Language  string   `json:"language,omitempty"`  // navigator.language
	Languages []string `json:"languages,omitempty"` // navigator.languages, the Accept-Language order
	TimeZone  string   `json:"time_zone,omitempty"` // the IANA zone of Intl.DateTimeFormat in a page
}

// Machine is the auditing machine's clock and zone. Times in the evidence come from this clock; a
// trusted timestamp (MANIFEST.sha256.tsr), when taken, is the independent check of them.
type Machine struct {
	OS       string `json:"os"`
	TimeZone string `json:"time_zone"` // the zone name and offset of the machine at sealing: "CST (UTC+08:00)"
	Clock    Clock  `json:"clock"`
}

// Clock is what the operating system says of its clock's discipline. Synchronized is nil when it cannot
// tell (another OS, or the call is refused); the errors are the kernel's own estimates, not measurements.
type Clock struct {
	Source            string `json:"source"`
	Synchronized      *bool  `json:"synchronized"`
	EstimatedErrorUS  *int64 `json:"estimated_error_us,omitempty"`
	MaxErrorUS        *int64 `json:"max_error_us,omitempty"`
	OffsetToReference string `json:"offset_to_reference"` // "unknown" unless the kernel's discipline says more
}

// ThisMachine describes the machine now.
func ThisMachine(now time.Time) Machine {
	name, _ := now.Zone()
	zone := name + " (UTC" + now.Format("-07:00") + ")"
	if tz := os.Getenv("TZ"); tz != "" && tz != name {
		zone = tz + ", " + zone
	}
	return Machine{OS: runtime.GOOS, TimeZone: zone, Clock: systemClock()}
}

// Masking declares what the evidence does not show, so a reader knows what was withheld and why: the
// values replaced by "***" (their number, never the values), the fields blanked in screenshots, and what
// the web archive leaves out or masks.
type Masking struct {
	// SecretValues is how many distinct values the scenario marks secret (credential variables, fill steps
	// marked secret): each is replaced by "***" in every file of the folder.
	SecretValues int `json:"secret_values"`
	// ScreenshotFields are the scenario's mask_fields, blanked before every screenshot.
	ScreenshotFields []string `json:"screenshot_fields,omitempty"`
	// Archive says what the web archive and HAR left out or masked: the fixed statements (the login's
	// traffic, session headers) and the counts. Nil when the run wrote no archive.
	Archive *webarchive.Masking `json:"archive,omitempty"`
}
