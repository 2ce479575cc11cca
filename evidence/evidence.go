// Package evidence keeps what a run's findings rest on. The engine takes a run's raw evidence (step
// screenshots with the target outlined, the control page as MHTML, scrubbed of the scenario's secrets by
// ScrubMHTML) and hands the bytes to a Writer, which writes them into one folder per scenario × device (Dir)
// in the background. When the run is over, Seal adds meta.json and MANIFEST.sha256, which lists every
// file's SHA-256 in the format of `sha256sum`, so that anyone can check the folder with
// `sha256sum -c MANIFEST.sha256`; Verify (`cancelpath verify`) does the same and also finds files added
// later.
//
// The manifest proves that nothing changed since sealing; it cannot prove who sealed it, or when. Whoever
// needs that records the manifest's own hash (cancelpath verify prints it) somewhere the auditee cannot
// change, signs it (Sign: who) or has a time-stamping authority sign its hash (TSA.Timestamp, RFC 3161:
// when). AppendCustody keeps the folder's history in a hash-chained log beside it (CustodyName).
package evidence

import "path/filepath"

// ManifestName and MetaName are the files Seal writes.
const (
	ManifestName = "MANIFEST.sha256"
	MetaName     = "meta.json"
)

// Dir is the folder of one result's evidence, relative to the output folder: evidence/<scenario>@<device>.
func Dir(scenarioID, device string) string {
	return filepath.Join("evidence", scenarioID+"@"+device)
}
