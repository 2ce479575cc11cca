package scenarios

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoScenarios(t *testing.T) {
	files, err := DemoScenarios()
	require.NoError(t, err)
	assert.Equal(t, []string{"demo/feiyu.yaml", "demo/haoyun.yaml", "demo/jinniu.yaml", "demo/kartenwelt.yaml",
		"demo/lanjing.yaml", "demo/wuyou.yaml", "demo/xingchen.yaml", "demo/yunduan.yaml", "demo/zhangyou.yaml"}, files)
}
