package zk

import (
	"fmt"
	"time"

	"github.com/gomesos/mesos/core/units"
)

// Module parameters of the ZooKeeper contender and detector, named after
// the daemons' flags.
const (
	ParamZK             = "zk"
	ParamSessionTimeout = "zk_session_timeout"
)

// ParseParams reads a ZooKeeper module's parameters: "zk" (required, a
// --zk URL) and "zk_session_timeout" (a Mesos duration such as 10secs;
// DefaultSessionTimeout when absent). Other keys are an error.
func ParseParams(params map[string]string) (URL, time.Duration, error) {
	var (
		u       URL
		haveURL bool
		timeout = DefaultSessionTimeout
	)
	for key, value := range params {
		switch key {
		case ParamZK:
			parsed, err := ParseURL(value)
			if err != nil {
				return URL{}, 0, fmt.Errorf("parameter '%s': %w", key, err)
			}
			u, haveURL = parsed, true
		case ParamSessionTimeout:
			d, err := units.ParseDuration(value)
			if err != nil {
				return URL{}, 0, fmt.Errorf("parameter '%s': %w", key, err)
			}
			if d <= 0 {
				return URL{}, 0, fmt.Errorf("parameter '%s': must be positive", key)
			}
			timeout = time.Duration(d)
		default:
			return URL{}, 0, fmt.Errorf("unknown parameter '%s'", key)
		}
	}
	if !haveURL {
		return URL{}, 0, fmt.Errorf("missing parameter '%s' (zk://host:port,.../path)", ParamZK)
	}
	return u, timeout, nil
}
