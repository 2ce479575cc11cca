package reports

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/draw"
	_ "image/gif" // decoded for thumbnails: the evidence formats the standard library reads
	"image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// Thumbnails of the screenshots, for a report written into a folder: a phone screenshot at device pixel ratio
// 3 is a megabyte or more as PNG, and a sweep has thousands. The report shows each as a JPEG that fits
// maxThumbWidth×maxThumbHeight (twice the size it is shown at, for high-density screens), a few tens of KB,
// linked to the full image.
const (
	thumbsDir      = "thumbs"
	maxThumbWidth  = 320
	maxThumbHeight = 640
	thumbQuality   = 80
	// Bounds on what is decoded: the file's size, and its pixels (a small PNG can declare a huge image).
	maxThumbSource = 32 << 20
	maxThumbPixels = 25_000_000
	// maxThumbWorkers bounds the decodes running at once, each holding a decoded screenshot in memory.
	maxThumbWorkers = 4
)

var errTooLarge = errors.New("image too large to make a thumbnail of")

// thumbPath is where the thumbnail of an evidence image (a local slash path) goes, inside the report's folder.
func thumbPath(rel string) string { return thumbsDir + "/" + rel + ".jpg" }

// thumbOutcome is what became of one screenshot.
type thumbOutcome int

const (
	thumbMade    thumbOutcome = iota + 1 // its thumbnail is there, made now or by an earlier render
	thumbMissing                         // no such file in the base folder, or one the report refuses to read
	thumbFull                            // not something to make a thumbnail of (too large, another format): linked as it is
)

// thumbnailer makes the thumbnails that a report's images ask for: each screenshot once, however many times
// it is shown, and several at a time.
type thumbnailer struct {
	src, dst *os.Root // the base folder (evidence) and the report's folder
	jobs     map[string]*thumbJob
	order    []*thumbJob
}

type thumbJob struct {
	rel     string
	uses    []thumbUse
	outcome thumbOutcome
	err     error // why there is no thumbnail, when there is none: kept for a debugger, the page says enough
}

// thumbUse is one place a screenshot is shown: its image, and the way from its page to the report's folder.
type thumbUse struct {
	img *htmlImage
	up  string
}

func newThumbnailer(src, dst *os.Root) *thumbnailer {
	return &thumbnailer{src: src, dst: dst, jobs: map[string]*thumbJob{}}
}

// want registers an image that is to show the thumbnail of rel.
func (t *thumbnailer) want(rel string, img *htmlImage, up string) {
	j := t.jobs[rel]
	if j == nil {
		j = &thumbJob{rel: rel}
		t.jobs[rel] = j
		t.order = append(t.order, j)
	}
	j.uses = append(j.uses, thumbUse{img: img, up: up})
}

// run makes every thumbnail asked for, then points each image at its thumbnail, marks it missing, or leaves
// it linked to the full image.
func (t *thumbnailer) run() {
	work := make(chan *thumbJob)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), maxThumbWorkers, len(t.order)) {
		wg.Go(func() {
			for j := range work {
				j.outcome, j.err = makeThumb(t.src, t.dst, j.rel)
			}
		})
	}
	for _, j := range t.order {
		work <- j
	}
	close(work)
	wg.Wait()
	for _, j := range t.order {
		for _, u := range j.uses {
			switch j.outcome {
			case thumbMade:
				u.img.Src = template.URL(u.up + relativeURL(thumbPath(j.rel)))
			case thumbMissing:
				u.img.Missing = true
			}
		}
	}
}

// makeThumb makes the thumbnail of the evidence image rel (a local slash path under src) in dst, unless one
// at least as new as the image is there already.
func makeThumb(src, dst *os.Root, rel string) (thumbOutcome, error) {
	f, err := openEvidence(src, rel)
	if err != nil {
		return thumbMissing, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	st, err := f.Stat()
	if err != nil {
		return thumbMissing, fmt.Errorf("stat %s: %w", rel, err)
	}
	if st.Size() > maxThumbSource {
		return thumbFull, fmt.Errorf("%s: %d bytes: %w", rel, st.Size(), errTooLarge)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return thumbFull, fmt.Errorf("read %s: %w", rel, err)
	}
	switch http.DetectContentType(head[:n]) {
	case "image/png", "image/jpeg", "image/gif":
	default:
		return thumbFull, fmt.Errorf("%s: %w", rel, errNotImage) // also WebP, which the standard library does not decode
	}
	out := thumbPath(rel)
	if thumbFresh(dst, out, st.ModTime()) {
		return thumbMade, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return thumbFull, fmt.Errorf("read %s: %w", rel, err)
	}
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return thumbFull, fmt.Errorf("decode %s: %w", rel, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxThumbPixels {
		return thumbFull, fmt.Errorf("%s: %d×%d pixels: %w", rel, cfg.Width, cfg.Height, errTooLarge)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return thumbFull, fmt.Errorf("read %s: %w", rel, err)
	}
	img, _, err := image.Decode(io.LimitReader(f, maxThumbSource))
	if err != nil {
		return thumbFull, fmt.Errorf("decode %s: %w", rel, err)
	}
	w, h := thumbSize(img.Bounds().Dx(), img.Bounds().Dy())
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, downscale(img, w, h), &jpeg.Options{Quality: thumbQuality}); err != nil {
		return thumbFull, fmt.Errorf("encode the thumbnail of %s: %w", rel, err)
	}
	// A thumbnail is a cache, made again whenever it is missing or older than its image: it is not synced.
	if err := writeInRoot(dst, out, buf.Bytes(), false); err != nil {
		return thumbFull, err
	}
	return thumbMade, nil
}

// thumbFresh: a thumbnail made from the image as it is now is there (a regular file no older than the image).
func thumbFresh(dst *os.Root, name string, source time.Time) bool {
	st, err := dst.Lstat(filepath.FromSlash(name))
	return err == nil && st.Mode().IsRegular() && st.Size() > 0 && !st.ModTime().Before(source)
}

// thumbSize fits w×h into maxThumbWidth×maxThumbHeight, keeping the aspect ratio; it never enlarges.
func thumbSize(w, h int) (int, int) {
	scale := min(1, float64(maxThumbWidth)/float64(w), float64(maxThumbHeight)/float64(h))
	return max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
}

// downscale shrinks img to w×h (no larger than img) by averaging, for each pixel of the result, the source
// pixels that fall in it: a box filter, which keeps text legible where picking one pixel in several would
// alias it. Transparent pixels are laid over white, as a page is. The source is read a row at a time, so
// the only full-size buffer is the decoded image itself.
func downscale(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h = min(w, sw), min(h, sh)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	// col[sx] is the result column that source column sx falls in; n[x] how many fall in result column x.
	col := make([]int, sw)
	n := make([]uint32, w)
	for sx := range sw {
		col[sx] = sx * w / sw
		n[col[sx]]++
	}
	row := rowReader(img)
	sum := make([]uint32, 3*w)
	for y := range h {
		y0, y1 := y*sh/h, (y+1)*sh/h
		clear(sum)
		for sy := y0; sy < y1; sy++ {
			px := row(b.Min.Y + sy)
			for sx, x := range col {
				// Premultiplied colour over white: c + (255 - alpha).
				p := px[4*sx : 4*sx+4 : 4*sx+4]
				white := 255 - uint32(p[3])
				sum[3*x] += uint32(p[0]) + white
				sum[3*x+1] += uint32(p[1]) + white
				sum[3*x+2] += uint32(p[2]) + white
			}
		}
		for x := range w {
			area := n[x] * uint32(y1-y0)
			p := out.Pix[y*out.Stride+4*x : y*out.Stride+4*x+4 : y*out.Stride+4*x+4]
			p[0], p[1], p[2], p[3] = uint8((sum[3*x]+area/2)/area), uint8((sum[3*x+1]+area/2)/area), uint8((sum[3*x+2]+area/2)/area), 0xff
		}
	}
	return out
}

// rowReader returns a function giving one row of img (by its y) as premultiplied RGBA bytes, valid until the
// next call. PNG screenshots decode to *image.RGBA or *image.NRGBA, read directly; any other image is
// converted by image/draw.
func rowReader(img image.Image) func(y int) []uint8 {
	b := img.Bounds()
	buf := image.NewRGBA(image.Rect(0, 0, b.Dx(), 1))
	switch m := img.(type) {
	case *image.RGBA:
		return func(y int) []uint8 {
			off := m.PixOffset(b.Min.X, y)
			return m.Pix[off : off+4*b.Dx()]
		}
	case *image.NRGBA:
		return func(y int) []uint8 {
			off := m.PixOffset(b.Min.X, y)
			src := m.Pix[off : off+4*b.Dx()]
			for i := 0; i < len(src); i += 4 {
				a := uint32(src[i+3])
				for c := range 3 {
					buf.Pix[i+c] = uint8((uint32(src[i+c])*a + 127) / 255)
				}
				buf.Pix[i+3] = src[i+3]
			}
			return buf.Pix
		}
	}
	return func(y int) []uint8 {
		draw.Draw(buf, buf.Rect, img, image.Pt(b.Min.X, y), draw.Src)
		return buf.Pix
	}
}

// writeInRoot writes data to name (a slash path) inside root, creating its folders: whole or not at all
// (a temporary file beside it, then a rename), and never outside root, whatever symlinks the folder holds.
// sync makes the file durable before the rename, for what cannot simply be made again.
func writeInRoot(root *os.Root, name string, data []byte, sync bool) error {
	dir, base := path.Split(name)
	if dir != "" {
		if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	tmp := filepath.FromSlash(dir + "." + base + ".tmp-" + rand.Text()[:10])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, filepath.FromSlash(name))
	}
	if err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
