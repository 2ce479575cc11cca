package results

import "github.com/cancelpath/cancelpath/audit/metrics"

// Schema 1.x had four statuses: ok, not_found, failed and error. 2.0 split them so that "no cancel control"
// is said only when the page shows there is none. Reading old results (report, diff, merge, --resume of a
// stream) maps not_found to no_control and says so in the entry's notes, so that no reader takes an old
// not_found for a proven no_control unawares. The other 1.x statuses keep their names: 1.x error covered
// what 2.0 calls out_of_reach, site_error and error, all three runs that were not carried out.

// statusNotFoundV1 is the 1.x status for a control that never appeared or could not be used.
const statusNotFoundV1 metrics.Status = "not_found"

// noteNotFoundV1 is added to an entry whose status was upgraded.
const noteNotFoundV1 = "schema 1.x status not_found read as no_control: 1.x also said not_found when the control " +
	"was there but blocked (covered, disabled), so check the reason"

// upgradeV1 turns a 1.x document into this schema version in place.
func upgradeV1(doc *Document) {
	for i := range doc.Results {
		upgradeEntryV1(&doc.Results[i])
	}
	doc.SchemaVersion = SchemaVersion
}

// upgradeEntryV1 maps one entry's 1.x status. not_found is no 2.x status, so this is safe on a stream,
// whose lines carry no version.
func upgradeEntryV1(e *Entry) {
	if e.Status == statusNotFoundV1 {
		e.Status = metrics.StatusNoControl
		e.Notes = append(e.Notes, noteNotFoundV1)
	}
}
