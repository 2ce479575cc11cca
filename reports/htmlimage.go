package reports

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cancelpath/cancelpath/results"
)

// imager turns evidence paths into image sources for the HTML report. Rendered to a stream, a screenshot
// found under the base folder is embedded as a data: URI within a budget, else linked relative to the report.
// Written into a folder (thumbs set), each screenshot is shown as a small thumbnail file that links to the
// full image. Either way a path that is not local (absolute, "..", a URL scheme) is never read nor linked,
// and os.Root refuses a symlink out of the base folder: results.json may come from anywhere.
type imager struct {
	root   *os.Root // the base folder, where evidence paths start; nil when none was given or it cannot be opened
	budget int64    // bytes left to embed
	linked bool     // an image is linked rather than embedded

	// Written into a folder:
	thumbs *thumbnailer // nil when rendering to a stream
	base   string       // the base folder as a slash path from the report's folder: "" when they are the same
	up     string       // from the page being built back to the report's folder: "", or "../" for sites/
}

func newImager(baseDir string) *imager {
	im := &imager{budget: maxEmbeddedTotal}
	if baseDir != "" {
		if r, err := os.OpenRoot(baseDir); err == nil {
			im.root = r
		}
	}
	return im
}

// newFolderImager is the imager of a report written into outDir (opened as out): thumbnails under thumbs/
// made from the evidence under baseDir. Without a base folder there is nothing to read and images are
// linked as on a stream; when the base folder cannot be reached by a relative link (another volume), they
// are embedded as on a stream.
func newFolderImager(baseDir, outDir string, out *os.Root) *imager {
	im := newImager(baseDir)
	if im.root == nil {
		return im
	}
	base, err := relativeDir(outDir, baseDir)
	if err != nil {
		return im
	}
	im.base = base
	im.thumbs = newThumbnailer(im.root, out)
	return im
}

// relativeDir is the slash path from folder from to folder to ("" when they are the same).
func relativeDir(from, to string) (string, error) {
	absFrom, err := filepath.Abs(from)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", from, err)
	}
	absTo, err := filepath.Abs(to)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", to, err)
	}
	rel, err := filepath.Rel(absFrom, absTo)
	if err != nil {
		return "", fmt.Errorf("link %s from %s: %w", to, from, err)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

func (im *imager) close() {
	if im.root != nil {
		_ = im.root.Close() // read only: nothing to lose
	}
}

// finish makes the thumbnails that the images built so far wait for, and points each image at its thumbnail
// or, when none could be made, at the full image.
func (im *imager) finish() {
	if im.thumbs != nil {
		im.thumbs.run()
	}
}

// localPath returns an evidence path as a clean slash path, and false when it is not one the report may read
// or link: empty, absolute, leaving its folder, or holding a colon (a URL scheme, a Windows drive).
func localPath(p string) (string, bool) {
	p = filepath.ToSlash(p)
	if p == "" || !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, ":") {
		return "", false
	}
	return path.Clean(p), true
}

// link is the URL of an evidence file (a local slash path) from the page being built.
func (im *imager) link(rel string) string {
	return im.up + relativeURL(path.Join(im.base, rel))
}

// folder is the link to a run's evidence folder, or "" when it has none, or the base folder is known and
// the evidence folder is not in it.
func (im *imager) folder(dir string) string {
	if dir == "" {
		return ""
	}
	if im.root != nil {
		if st, err := im.root.Stat(filepath.FromSlash(dir)); err != nil || !st.IsDir() {
			return ""
		}
	}
	return im.link(dir) + "/"
}

func (im *imager) image(rel, alt string) *htmlImage {
	rel, ok := localPath(rel)
	if !ok {
		return nil
	}
	href := im.link(rel)
	img := &htmlImage{Src: template.URL(href), Href: href, Alt: alt}
	if im.thumbs != nil {
		// Linked to the full image until the thumbnail is made (finish), and for good if it cannot be.
		im.linked = true
		im.thumbs.want(rel, img, im.up)
		return img
	}
	data, mime, err := im.read(rel)
	switch {
	case err == nil:
		img.Src = template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data))
	case im.root != nil && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, errRefused)):
		img.Missing = true
	default:
		im.linked = true
	}
	return img
}

var (
	errNotImage = errors.New("not an image")
	// errRefused: the path names no regular file inside the base folder (a symlink out of it, a folder, a
	// device); the report neither reads nor links it.
	errRefused = errors.New("not a regular file inside the base folder")
)

// read loads an evidence image from inside the base folder (symlinks out of it are refused by os.Root).
func (im *imager) read(rel string) ([]byte, string, error) {
	if im.root == nil {
		return nil, "", fs.ErrNotExist
	}
	f, err := openEvidence(im.root, rel)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	st, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if st.Size() > maxEmbeddedImage || st.Size() > im.budget {
		return nil, "", errNotImage
	}
	data, err := io.ReadAll(io.LimitReader(f, maxEmbeddedImage+1))
	if err != nil {
		return nil, "", err
	}
	mime := http.DetectContentType(data)
	switch mime {
	case "image/png", "image/jpeg", "image/webp", "image/gif":
	default:
		return nil, "", errNotImage
	}
	im.budget -= int64(len(data))
	return data, mime, nil
}

// openEvidence opens a regular file under root. A file that is not there is fs.ErrNotExist; one that os.Root
// refuses (a symlink out of the folder) or that is not a regular file is errRefused.
func openEvidence(root *os.Root, rel string) (*os.File, error) {
	f, err := root.Open(filepath.FromSlash(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w (%w)", rel, errRefused, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close() // read only; the error below is the one to report
		return nil, fmt.Errorf("stat %s: %w", rel, err)
	}
	if !st.Mode().IsRegular() {
		_ = f.Close() // read only; the error below is the one to report
		return nil, fmt.Errorf("open %s: %w", rel, errRefused)
	}
	return f, nil
}

// relativeURL percent-encodes each segment of a local slash path.
func relativeURL(rel string) string {
	segs := strings.Split(path.Clean(rel), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// evidenceDir is the folder of the run's screenshots as a slash path ("evidence/xingchen@mobile"), or "" when
// it has none.
func evidenceDir(e *results.Entry) string {
	shots := []string{}
	if e.Control != nil {
		shots = append(shots, e.Control.Screenshot)
	}
	for _, st := range e.Steps {
		shots = append(shots, st.Screenshot)
	}
	for _, p := range shots {
		p, ok := localPath(p)
		if !ok {
			continue
		}
		if dir := path.Dir(p); dir != "." {
			return dir
		}
	}
	return ""
}
