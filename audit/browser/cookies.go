package browser

import (
	"context"
	"fmt"

	"github.com/go-rod/rod/lib/proto"
)

// Cookies returns every cookie of the context, of all sites (a login may set them on another domain than
// the landing page's).
func (c *Context) Cookies(ctx context.Context) ([]*proto.NetworkCookie, error) {
	res, err := proto.StorageGetCookies{BrowserContextID: c.incog.BrowserContextID}.Call(c.incog.Context(ctx))
	if err != nil {
		return nil, fmt.Errorf("read cookies: %w", err)
	}
	return res.Cookies, nil
}
