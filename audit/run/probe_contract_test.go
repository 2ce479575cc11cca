package run

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProbeContract: for every probe operation the engine decodes, the keys the page returns are the keys of
// the Go struct it is decoded into, no more and no fewer. A key renamed on one side would otherwise decode
// silently into a zero value (a "found": false, a 0 px distance) and become a wrong finding.
func TestProbeContract(t *testing.T) {
	srv := statusSite(t, unreachableURL(t))
	sc := hostileScenarioFor(srv.URL+"/", "terms-near.html", nil, nil)
	sc.Timeouts.Step = 10 * time.Second
	d, err := Open(context.Background(), testBrowser, sc, "desktop", true, Options{})
	require.NoError(t, err)
	defer d.Close()
	button := toJS(txt("确认支付"))
	for _, c := range []struct {
		op   string
		args []any
		into any
	}{
		{"state", nil, pageState{}},
		{"probe", []any{button}, probeResult{}},
		{"prepare", []any{button, prepareOpts{Scroll: true, Measure: true}}, prepared{}},
		{"hits", []any{10, 10}, hitResult{}},
		{"read", []any{toJS(css(".terms"))}, readResult{}},
		{"disclosure", []any{button, nil, termsForJS()}, disclosureRead{}},
		{"screen", nil, screenResult{}},
		{"mark", []any{button}, pageState{}},
		{"changed", []any{button}, changedState{}},
		{"scrollMore", nil, scrolled{}},
		{"options", []any{button, maxScreenOptions, probeLabelLimit}, optionsRead{}},
	} {
		t.Run(c.op, func(t *testing.T) {
			var raw json.RawMessage
			require.NoError(t, d.s.call(context.Background(), &raw, c.op, c.args...))
			var got map[string]any
			require.NoError(t, json.Unmarshal(raw, &got), string(raw))
			extra, missing := contract(got, reflect.TypeOf(c.into), "")
			assert.Empty(t, extra, "keys the page returns that %T does not read", c.into)
			assert.Empty(t, missing, "keys %T reads that the page does not return", c.into)
		})
	}
}

// contract compares an answer with the struct it is decoded into, nested objects and lists of objects too;
// it returns the keys only the page has and those only the struct has, as paths.
func contract(got map[string]any, t reflect.Type, at string) (extra, missing []string) {
	want := jsonKeys(t)
	for k, v := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, at+k)
			continue
		}
		ft := fieldType(t, k)
		for ft != nil && (ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice) {
			ft = ft.Elem()
		}
		if ft == nil || ft.Kind() != reflect.Struct || ft.NumField() == 0 || ft.PkgPath() != t.PkgPath() {
			continue // scalars, and types of other packages (metrics.Box) whose JSON is theirs
		}
		switch v := v.(type) {
		case map[string]any:
			e, m := contract(v, ft, at+k+".")
			extra, missing = append(extra, e...), append(missing, m...)
		case []any:
			if len(v) > 0 {
				if first, ok := v[0].(map[string]any); ok {
					e, m := contract(first, ft, at+k+"[0].")
					extra, missing = append(extra, e...), append(missing, m...)
				}
			}
		}
	}
	for k, optional := range want {
		if _, ok := got[k]; !ok && !optional {
			missing = append(missing, at+k)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	return extra, missing
}

// fieldType is the type of the field of t (embedded structs included) that decodes key.
func fieldType(t reflect.Type, key string) reflect.Type {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			if ft := fieldType(f.Type, key); ft != nil {
				return ft
			}
			continue
		}
		if name, _, _ := strings.Cut(tag, ","); name == key {
			return f.Type
		}
	}
	return nil
}

// jsonKeys are the JSON keys a struct decodes (embedded structs flattened), each with whether the page may
// leave it out: omitempty fields, and fields marked `probe:"optional"` for keys an operation returns only in
// some answers (a "found": false answer carries nothing else).
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			for k, o := range jsonKeys(f.Type) {
				keys[k] = o
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = strings.Contains(opts, "omitempty") || f.Tag.Get("probe") == "optional"
	}
	return keys
}
