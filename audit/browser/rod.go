package browser

import "github.com/go-rod/rod"

// Rod gives the underlying rod client, for tools that drive the same browser without the runner (the
// benchmark's raw walker). Nil after Close.
func (b *Browser) Rod() *rod.Browser {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rod
}
