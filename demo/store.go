package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// maxSessions bounds the store: a sweep that logs in thousands of times must not grow the demo server
// without limit. The oldest sessions go first.
const maxSessions = 10000

// Account is one logged-in session's state. Every successful login creates a fresh one, so parallel audits
// never share state and each starts from an active auto-renewing membership.
type Account struct {
	SID      string // session cookie value on the merchant site
	PayToken string // hand-off token and cookie value on the payment channel (site 6)
	Site     string // site id the account belongs to
	User     string
	Contract string // contract number shown on the German site's cancellation form
	Member   Membership
	Orders   []Order
	// ReviewPending: a cancellation request waits for "manual review" (site 5); auto-renew stays on.
	ReviewPending bool
}

// Membership is the 会员 subscription.
type Membership struct {
	Active    bool
	AutoRenew bool
	Plan      string // display name, e.g. 连续包月
	PriceCent int
	Expires   time.Time
}

// Order is a line in 订单管理.
type Order struct {
	No        string
	Item      string
	PriceCent int
	Created   time.Time
	Status    string
	Code      string // delivered card code (卡密), empty for memberships
}

// store keeps accounts in memory behind one mutex. Readers get copies, so templates never race with writers.
type store struct {
	mu      sync.Mutex
	max     int
	bySID   map[string]*Account
	byToken map[string]*Account
	order   []string // SIDs, oldest first, for eviction
}

func newStore(max int) *store {
	return &store{max: max, bySID: map[string]*Account{}, byToken: map[string]*Account{}}
}

// create stores a new account built by init and returns its copy.
func (s *store) create(init func(*Account)) (Account, error) {
	sid, err := randomID()
	if err != nil {
		return Account{}, err
	}
	tok, err := randomID()
	if err != nil {
		return Account{}, err
	}
	a := &Account{SID: sid, PayToken: tok}
	init(a)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.bySID[sid] = a
	s.byToken[tok] = a
	s.order = append(s.order, sid)
	for len(s.order) > s.max {
		old := s.bySID[s.order[0]]
		if old != nil {
			delete(s.bySID, old.SID)
			delete(s.byToken, old.PayToken)
		}
		s.order = s.order[1:]
	}
	return a.clone(), nil
}

// get returns a copy of the account with this session id.
func (s *store) get(sid string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.bySID[sid]
	if !ok {
		return Account{}, false
	}
	return a.clone(), true
}

// byPayToken returns a copy of the account the payment channel knows by this token.
func (s *store) byPayToken(tok string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.byToken[tok]
	if !ok {
		return Account{}, false
	}
	return a.clone(), true
}

// update changes the account with this session id under the lock and returns the new copy.
func (s *store) update(sid string, change func(*Account)) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.bySID[sid]
	if !ok {
		return Account{}, false
	}
	change(a)
	return a.clone(), true
}

func (s *store) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bySID)
}

func (a *Account) clone() Account {
	c := *a
	c.Orders = append([]Order(nil), a.Orders...)
	return c
}

func randomID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// updateByPayToken changes the account the payment channel knows by this token.
func (s *store) updateByPayToken(tok string, change func(*Account)) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.byToken[tok]
	if !ok {
		return Account{}, false
	}
	change(a)
	return a.clone(), true
}
