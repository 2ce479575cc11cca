package jsonesc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapeKeepsTheValue(t *testing.T) {
	const text = "退\u009b2J订\u202e\u200b\u2028x\U000E0001\u007f 普通"
	js, err := json.Marshal(map[string]string{"label": text})
	require.NoError(t, err)
	out := Escape(js)
	assert.Equal(t, `{"label":"退\u009b2J订\u202e\u200b\u2028x\udb40\udc01\u007f 普通"}`, string(out))
	var back map[string]string
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, text, back["label"], "equal in value")

	plain := []byte(`{"a":"普通"}`)
	assert.Equal(t, plain, Escape(plain), "nothing to escape: the same bytes")
}
