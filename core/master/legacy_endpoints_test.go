package master

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
)

// Tests of the older (non-v1) endpoints that operators' scripts call with
// curl, against what Mesos 1.x answers.

// TestLegacyFormDecodesLikeLibprocess: the form bodies of /reserve and
// friends are read as libprocess's query::decode reads them, which also
// splits pairs on ';'.
func TestLegacyFormDecodesLikeLibprocess(t *testing.T) {
	for body, want := range map[string]map[string]string{
		"a=1;b=2&c":          {"a": "1", "b": "2", "c": ""},
		"a=x+y&a=%5B%5D":     {"a": "[]"},
		"k=v=w;;&":           {"k": "v=w"},
		"resources=[1;2]":    {"resources": "[1", "2]": ""},
		"s=a+b%2Bc":          {"s": "a b+c"},
		"":                   {},
		"slaveId=S;a=%7B%7D": {"slaveId": "S", "a": "{}"},
	} {
		got, err := parseForm(body)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parseForm(%q) = %v, %v; want %v", body, got, err, want)
		}
	}
	if _, err := parseForm("a=%zz"); err == nil || !strings.HasPrefix(err.Error(), "Unable to decode query string") {
		t.Errorf("parseForm(%%zz): %v", err)
	}
}

// TestLegacyReserveWithSemicolons: curl -d 'slaveId=...;resources=...'
// reserves, as it does against Mesos, instead of a 400.
func TestLegacyReserveWithSemicolons(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	body := "slaveId=" + agent.id + `;resources=[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"eng"}]}]`
	if code, text := httpDo(t, "POST", tm.srv.URL+"/master/reserve", "application/x-www-form-urlencoded", body); code != http.StatusAccepted {
		t.Fatalf("POST /master/reserve: %d %s", code, text)
	}
	slaves := getJSON(t, tm.srv.URL+"/master/slaves")
	if got := jpath(t, slaves, "slaves", "0", "reserved_resources", "eng", "cpus"); got != 1.0 {
		t.Errorf("reserved cpus of eng: %v", got)
	}
}

// TestLegacyQuotaPostValidation: POST /quota refuses what Mesos's
// QuotaHandler::set refuses, with its words; above all an empty
// guarantee, which is not a way to set "no quota".
func TestLegacyQuotaPostValidation(t *testing.T) {
	tm := startMaster(t, nil)
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	for _, c := range []struct{ body, want string }{
		{`{"role":"q","guarantee":[]}`, "Failed to validate set quota request: QuotaInfo with empty 'guarantee'"},
		{`{"role":"q"}`, "Failed to validate set quota request: QuotaInfo with empty 'guarantee'"},
		{`{"guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]}`, "Failed to validate set quota request: QuotaInfo must specify a role"},
		{`notjson`, "Failed to parse set quota request JSON 'notjson'"},
		{`null`, "Failed to parse set quota request JSON 'null'"},
		{`[]`, "Failed to parse set quota request JSON '[]'"},
		{`{"role":5}`, `Failed to validate set quota request JSON '{"role":5}'`},
		{`{"role":"q","guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"q"}]}`,
			"Failed to validate set quota request: QuotaInfo must not contain any ReservationInfo"},
		{`{"role":"q","guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]}`,
			"Failed to validate set quota request: QuotaInfo must not contain RevocableInfo"},
		{`{"role":"q","guarantee":[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{}}]}`,
			"Failed to validate set quota request: QuotaInfo must not contain DiskInfo"},
		{`{"role":"q","guarantee":[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":2}]}}]}`,
			"Failed to validate set quota request: QuotaInfo must not include non-scalar resources"},
		{`{"role":"q","guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]}`,
			"Failed to validate set quota request: QuotaInfo contains duplicate resource name 'cpus'"},
	} {
		code, body := httpDo(t, "POST", tm.srv.URL+"/master/quota", "application/json", c.body)
		if code != http.StatusBadRequest || !strings.HasPrefix(body, c.want) {
			t.Errorf("POST /master/quota %s: %d %q, want 400 %q", c.body, code, body, c.want)
		}
	}
	if doc := getJSON(t, tm.srv.URL+"/master/quota"); len(doc) != 0 {
		t.Errorf("GET /master/quota after refused requests: %v", doc)
	}
	// A good request still sets quota, and the legacy "role":"*" is an
	// unreserved resource.
	if code, body := httpDo(t, "POST", tm.srv.URL+"/master/quota", "application/json",
		`{"role":"q","guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"*"}]}`); code != http.StatusOK {
		t.Fatalf("POST /master/quota: %d %s", code, body)
	}
	if got := jpath(t, getJSON(t, tm.srv.URL+"/master/quota"), "infos", "0", "role"); got != "q" {
		t.Errorf("GET /master/quota: role %v", got)
	}
}
