package scenario

import (
	"errors"
	"strings"
	"testing"
)

// fileLevel are the messages of problems that concern a whole file and so have no line.
var fileLevel = []string{"empty file", "file is more than", "no YAML content"}

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, every rejection must be an *Error with
// a line (or a file-level problem), and every accepted scenario must hold the loader's promises.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("site: S\nurl: ${URL}\n"))
	f.Add([]byte(strings.Replace(base, "site: S", "site: ${UNSET}", 1)))
	lookup := env(map[string]string{"URL": "https://example.test", "USER": "u"})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []Options{{Env: lookup}, {Env: lookup, AllowMissingEnv: true}} {
			s, err := Parse("fuzz.yaml", data, opts)
			switch {
			case err != nil:
				checkRejection(t, err)
			case !opts.AllowMissingEnv: // unset variables leave empty values, by design
				checkScenario(t, s)
			}
		}
	})
}

func checkRejection(t *testing.T, err error) {
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("rejection is not a non-empty ErrorList: %T %v", err, err)
	}
	for _, e := range list {
		if e.File != "fuzz.yaml" || e.Msg == "" {
			t.Fatalf("problem without file or message: %#v", e)
		}
		if e.Line > 0 {
			continue
		}
		known := false
		for _, m := range fileLevel {
			known = known || strings.HasPrefix(e.Msg, m)
		}
		if !known {
			t.Fatalf("problem without a line that is not file-level: %s", e)
		}
	}
}

func checkScenario(t *testing.T, s *Scenario) {
	controls := 0
	for _, st := range s.Cancel {
		if st.Control {
			controls++
			if !st.Action.IsClick() {
				t.Fatalf("control on %s", st.Action)
			}
		}
	}
	switch {
	case s.DeadEnd == nil && controls != 1, s.DeadEnd != nil && controls != 0:
		t.Fatalf("accepted %d control steps (dead end: %v)", controls, s.DeadEnd != nil)
	case s.Site == "" || len(s.Jurisdictions) == 0 || len(s.Devices) == 0:
		t.Fatalf("accepted without site, jurisdictions or devices: %+v", s)
	case checkID(s.ID) != nil:
		t.Fatalf("accepted id %q", s.ID)
	case s.DeadEnd == nil && (s.Done.Target == nil) == (s.Done.URL == ""):
		t.Fatalf("done is neither a target nor a URL: %+v", s.Done)
	case s.DeadEnd != nil && ((s.DeadEnd.Target == nil) == (s.DeadEnd.URL == "") || s.Done != Condition{}):
		t.Fatalf("dead end %+v with done %+v", s.DeadEnd, s.Done)
	case s.Timeouts.Step <= 0 || s.Timeouts.Step > s.Timeouts.Scenario:
		t.Fatalf("accepted timeouts %+v", s.Timeouts)
	}
	for _, steps := range [][]Step{s.Login, s.BeforeCancel, s.Cancel, s.Effect} {
		for _, st := range steps {
			checkStep(t, st)
		}
	}
}

func checkStep(t *testing.T, st Step) {
	needsTarget := false
	for _, a := range targetActions {
		needsTarget = needsTarget || a == st.Action
	}
	if needsTarget != (st.Target != nil) {
		t.Fatalf("step %s with target %v", st.Action, st.Target)
	}
	if st.Action == Wait && st.Duration <= 0 {
		t.Fatalf("accepted wait %v", st.Duration)
	}
}
