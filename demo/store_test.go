package demo

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreEvictsOldestSessions(t *testing.T) {
	s := newStore(3)
	var made []Account
	for i := 0; i < 5; i++ {
		a, err := s.create(func(a *Account) { a.User = "u" })
		require.NoError(t, err)
		made = append(made, a)
	}
	assert.Equal(t, 3, s.len())
	for i, a := range made {
		_, bySID := s.get(a.SID)
		_, byTok := s.byPayToken(a.PayToken)
		assert.Equal(t, i >= 2, bySID, "session %d", i)
		assert.Equal(t, i >= 2, byTok, "pay token %d", i)
	}
}

func TestStoreHandsOutCopies(t *testing.T) {
	s := newStore(10)
	a, err := s.create(func(a *Account) { a.Orders = []Order{{No: "1"}} })
	require.NoError(t, err)
	a.Orders[0].No = "changed"
	a.Member.AutoRenew = true
	b, ok := s.get(a.SID)
	require.True(t, ok)
	assert.Equal(t, "1", b.Orders[0].No)
	assert.False(t, b.Member.AutoRenew)

	b, ok = s.update(a.SID, func(a *Account) { a.Member.AutoRenew = true })
	require.True(t, ok)
	assert.True(t, b.Member.AutoRenew)
	_, ok = s.update("missing", func(*Account) {})
	assert.False(t, ok)
}
