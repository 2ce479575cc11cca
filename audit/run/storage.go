package run

import "context"

// loadSession restores a saved session (cookies and localStorage) instead of logging in.
func (s *session) loadSession(ctx context.Context) error {
	return &runError{msg: "session files are not supported yet"}
}
