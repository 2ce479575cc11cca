package evidence

import (
	"os"
	"path/filepath"
)

// Writer writes a run's evidence files in the background, a few at a time in memory: the run's steps go on
// while its screenshots are written, a slow disk slows the run down (Write blocks when the queue is full),
// and it never makes memory grow without bound. One goroutine writes, in the order given.
type Writer struct {
	dir  string
	jobs chan file
	done chan struct{}
	errs []error
}

type file struct {
	rel  string
	data []byte
}

// NewWriter starts a writer of files under dir (the audit's output folder).
func NewWriter(dir string) *Writer {
	w := &Writer{dir: dir, jobs: make(chan file, 4), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for f := range w.jobs {
			if err := writeFile(filepath.Join(w.dir, f.rel), f.data); err != nil {
				w.errs = append(w.errs, err)
			}
		}
	}()
	return w
}

// Write queues data to be written to rel, a path relative to the writer's folder (its folders are made).
// It is not to be called after Close.
func (w *Writer) Write(rel string, data []byte) { w.jobs <- file{rel, data} }

// Close waits for every queued file and returns the errors of those that could not be written.
func (w *Writer) Close() []error {
	close(w.jobs)
	<-w.done
	return w.errs
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
