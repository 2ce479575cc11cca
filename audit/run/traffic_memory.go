package run

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/cancelpath/cancelpath/evidence/webarchive"
)

// fromMemory hands a worker the reading of what p has already loaded (Page.getResourceTree): the document
// and its resources, as resource records.
func (t *traffic) fromMemory(p *rod.Page) {
	if p == nil {
		return
	}
	at := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.enqueue(func(ctx context.Context) { t.readMemory(ctx, p, at) }) {
		t.notes = append(t.notes, "a page already loaded when recording began was not read: too many reads were waiting")
	}
}

func (t *traffic) readMemory(ctx context.Context, p *rod.Page, at time.Time) {
	tctx, cancel := context.WithTimeout(ctx, bodyTimeout)
	tree, err := proto.PageGetResourceTree{}.Call(p.Context(tctx))
	cancel()
	if err != nil || tree.FrameTree == nil {
		t.note(fmt.Sprintf("a page already loaded when recording began was not read: %v", err))
		return
	}
	type res struct {
		frame   proto.PageFrameID
		loader  proto.NetworkLoaderID // of a frame's document; "" for a subresource
		url, mt string
	}
	var all []res
	var walk func(*proto.PageFrameResourceTree)
	walk = func(ft *proto.PageFrameResourceTree) {
		if ft.Frame != nil {
			all = append(all, res{ft.Frame.ID, ft.Frame.LoaderID, ft.Frame.URL, ft.Frame.MIMEType})
			for _, r := range ft.Resources {
				if !r.Failed && !r.Canceled && (r.ContentSize == nil || *r.ContentSize <= maxBodyBytes) {
					all = append(all, res{ft.Frame.ID, "", r.URL, r.MIMEType})
				}
			}
		}
		for _, c := range ft.ChildFrames {
			walk(c)
		}
	}
	walk(tree.FrameTree)
	skipped, unread := 0, 0
	for i, r := range all {
		if !strings.HasPrefix(r.url, "http:") && !strings.HasPrefix(r.url, "https:") {
			continue
		}
		if i >= maxFromMemory {
			skipped++
			continue
		}
		data, err := t.memoryContent(ctx, p, r.frame, r.loader, r.url)
		if err != nil {
			unread++ // not cached (no-store), evicted, or never had content (a beacon)
			if r.loader != "" {
				t.note(fmt.Sprintf("the page %s, loaded before recording began, could not be read from the browser's "+
					"memory: %v", r.url, err))
			}
			continue
		}
		if len(data) > maxBodyBytes {
			skipped++
			continue
		}
		ex := webarchive.Exchange{ID: fmt.Sprintf("memory/%s/%d", p.TargetID, i), Started: at, Method: "GET",
			URL: r.url, FromMemory: true, Response: &webarchive.Response{Received: at, MIMEType: r.mt,
				Body: data, Size: int64(len(data))}}
		t.mu.Lock()
		if t.held+int64(len(data)) > maxHeldBytes || len(t.flights)+len(t.memory) >= maxExchanges {
			t.mu.Unlock()
			skipped++
			continue
		}
		t.held += int64(len(data))
		t.memory = append(t.memory, ex)
		t.mu.Unlock()
	}
	if skipped > 0 {
		t.note(fmt.Sprintf("%d resources of a page already loaded when recording began were not kept (limits)", skipped))
	}
	if unread > 0 {
		t.note(fmt.Sprintf("%d resources of a page already loaded when recording began could not be read from "+
			"the browser's memory (a site that forbids caching leaves none there)", unread))
	}
}

// memoryContent is what p holds of a resource it loaded: from the page's resource cache, or, for a frame's
// document, from the Network domain's own buffer, which has kept the bodies of every request since the
// page was set up (a document's request id is its loader id), also those of pages that forbid caching.
func (t *traffic) memoryContent(ctx context.Context, p *rod.Page, frame proto.PageFrameID, loader proto.NetworkLoaderID,
	u string) ([]byte, error) {
	rctx, cancel := context.WithTimeout(ctx, bodyTimeout)
	defer cancel()
	c, err := proto.PageGetResourceContent{FrameID: frame, URL: u}.Call(p.Context(rctx))
	if err == nil {
		return decodeContent(c.Content, c.Base64Encoded)
	}
	if loader == "" {
		return nil, fmt.Errorf("resource content: %w", err)
	}
	b, berr := proto.NetworkGetResponseBody{RequestID: proto.NetworkRequestID(loader)}.Call(p.Context(rctx))
	if berr != nil {
		return nil, fmt.Errorf("resource content: %w; response body: %w", err, berr)
	}
	return decodeContent(b.Body, b.Base64Encoded)
}
