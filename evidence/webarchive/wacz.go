package webarchive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"time"
)

// Paths of the WACZ's members (WACZ 1.1.1, "Directory Layout").
const (
	WARCPath           = "archive/" + WARCName
	IndexPath          = "indexes/index.cdx"
	PagesPath          = "pages/pages.jsonl"
	DataPackagePath    = "datapackage.json"
	DataPackageDigPath = "datapackage-digest.json"
	WACZVersion        = "1.1.1"
)

// DataPackage is datapackage.json: the package's manifest, with the hash and size of every other member.
type DataPackage struct {
	Profile      string     `json:"profile"`
	WACZVersion  string     `json:"wacz_version"`
	Title        string     `json:"title,omitempty"`
	Description  string     `json:"description,omitempty"`
	Created      string     `json:"created"`
	Modified     string     `json:"modified"`
	Software     string     `json:"software"`
	MainPageURL  string     `json:"mainPageUrl,omitempty"`
	MainPageDate string     `json:"mainPageDate,omitempty"`
	Resources    []Resource `json:"resources"`
	// Masking is a custom property (the spec allows those that do not interfere): what the archive
	// withholds.
	Masking Masking `json:"cancelpath_masking"`
}

// Resource is one member of the package as datapackage.json lists it.
type Resource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"` // "sha256:<hex>"
	Bytes int64  `json:"bytes"`
}

// DataPackageDigest is datapackage-digest.json: the manifest's own hash, so the whole package can be
// checked from one value.
type DataPackageDigest struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// WACZ packs p as a WACZ 1.1.1 file: archive/data.warc.gz (stored, not compressed again, so a reader can
// seek into it), indexes/index.cdx (CDXJ), pages/pages.jsonl, datapackage.json and
// datapackage-digest.json. skipped names the exchanges whose records could not be built (see WARC).
func WACZ(p Package) (data []byte, skipped []string, err error) {
	warc, index, skipped, err := WARC(p)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz: %w", err)
	}
	cdx, err := CDXJ(index)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz index: %w", err)
	}
	pages, err := PagesJSONL(p.Pages)
	if err != nil {
		return nil, nil, fmt.Errorf("wacz pages: %w", err)
	}
	members := []member{{WARCPath, warc, true}, {IndexPath, cdx, false}, {PagesPath, pages, false}}

	created := PageTime(p.Created)
	dp := DataPackage{Profile: "data-package", WACZVersion: WACZVersion, Title: p.Title, Description: p.Description,
		Created: created, Modified: created, Software: p.Software, Masking: p.Masking}
	for _, pg := range p.Pages {
		if pg.URL != "" {
			dp.MainPageURL, dp.MainPageDate = pg.URL, PageTime(pg.TS)
			break
		}
	}
	for _, m := range members {
		dp.Resources = append(dp.Resources, Resource{Name: path.Base(m.path), Path: m.path, Hash: sha256Hash(m.data),
			Bytes: int64(len(m.data))})
	}
	dpJSON, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("wacz datapackage: %w", err)
	}
	digJSON, err := json.MarshalIndent(DataPackageDigest{Path: DataPackagePath, Hash: sha256Hash(dpJSON)}, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("wacz datapackage digest: %w", err)
	}
	members = append(members, member{DataPackagePath, dpJSON, false}, member{DataPackageDigPath, digJSON, false})

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, m := range members {
		method := zip.Deflate
		if m.store {
			method = zip.Store
		}
		// The package's time is the run's, not the moment of writing: the same capture packs the same.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.path, Method: method,
			Modified: p.Created.UTC().Truncate(time.Second)})
		if err != nil {
			return nil, nil, fmt.Errorf("wacz %s: %w", m.path, err)
		}
		if _, err := w.Write(m.data); err != nil {
			return nil, nil, fmt.Errorf("wacz %s: %w", m.path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("wacz: %w", err)
	}
	return out.Bytes(), skipped, nil
}

// member is one file of the package; store: kept as it is (already compressed), not deflated.
type member struct {
	path  string
	data  []byte
	store bool
}

func sha256Hash(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}
