package zookeeper

import (
	"fmt"

	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// NewFromParams makes the contender from its manifest parameters: "zk"
// (required, the --zk URL) and "zk_session_timeout" (a Mesos duration,
// 10secs by default); see zk.ParseParams. It has the signature of the
// built-in contender catalog's constructors.
func NewFromParams(params map[string]string) (mastercontender.MasterContender, error) {
	u, timeout, err := zk.ParseParams(params)
	if err != nil {
		return nil, fmt.Errorf("zookeeper master contender: %w", err)
	}
	return New(Config{URL: u, SessionTimeout: timeout})
}
