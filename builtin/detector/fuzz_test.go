package detector_test

import (
	"testing"

	"github.com/gomesos/mesos/builtin/detector"
)

// FuzzParseMaster feeds the --master value (names resolve through a fake
// resolver).
func FuzzParseMaster(f *testing.F) {
	for _, seed := range []string{"127.0.0.1:5050", "master@master.example:5050", `{"id":"m","ip":1,"port":5050}`, "zk://a:1/b", "h:", "@:"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		info, err := detector.ParseMaster(value, fakeDNS)
		if err != nil {
			return
		}
		if info.GetId() == "" && info.GetPid() == "" && info.Id == nil {
			t.Fatalf("ParseMaster(%q) = %v without identity", value, info)
		}
	})
}
