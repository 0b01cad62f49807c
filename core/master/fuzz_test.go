package master

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// Fuzz targets for the parsers of outside input the endpoints take, and
// for the hand-written JSON they produce.

func FuzzParseTasksQuery(f *testing.F) {
	for _, seed := range []string{"", "limit=10&offset=2&order=asc", "limit=-1", "offset=99999999999", "limit=x&order=desc", "task_id=a&framework_id=b", "limit=%zz"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		values, _ := url.ParseQuery(raw)
		q := parseTasksQuery(values)
		if q.limit < 0 || q.offset < 0 {
			t.Fatalf("%q: limit %d offset %d", raw, q.limit, q.offset)
		}
		// Any page of any list is within bounds.
		tasks := make([]*task, 3)
		if q.offset < len(tasks) {
			end := len(tasks)
			if q.limit < end-q.offset {
				end = q.offset + q.limit
			}
			_ = tasks[q.offset:end]
		}
	})
}

func FuzzParseOperationForm(f *testing.F) {
	for _, seed := range []string{
		"slaveId=S1&resources=" + url.QueryEscape(reservedCPUs),
		"slaveId=S1&resources=" + url.QueryEscape(reservedDiskOld) + "&source=" + url.QueryEscape(`[{"name":"disk","type":"SCALAR","scalar":{"value":1}}]`),
		"slaveId=S1&volumes=" + url.QueryEscape(volume),
		"slaveId=&resources=[]", "resources=[{}]", "%zz", "slaveId=a&slaveId=b&resources=[1]", "slaveId=S;resources=[];;k",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, key := range []string{"resources", "volumes"} {
			form, err := parseOperationForm(body, key, true)
			if err != nil {
				continue
			}
			if form.resources == nil && err == nil {
				// an empty JSON array is fine; a missing list is not
				values, _ := parseForm(body)
				if _, ok := values[key]; !ok {
					t.Fatalf("%q: no %s but no error", body, key)
				}
			}
		}
	})
}

func FuzzParseJSONArray(f *testing.F) {
	for _, seed := range []string{`[]`, `[{"hostname":"h","ip":"10.0.0.1"}]`, `[{"role":"eng","weight":2}]`, `{}`, `[1,2]`, `[null]`, `[{"ip":5}]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_, _ = parseJSONArray(text, func() *mesospb.MachineID { return &mesospb.MachineID{} })
		_, _ = parseJSONArray(text, func() *mesospb.WeightInfo { return &mesospb.WeightInfo{} })
		_, _ = quotaRole(text)
	})
}

// FuzzJSONString: every string comes out as JSON that reads back as it
// (invalid UTF-8 replaced, as jsoncodec does).
func FuzzJSONString(f *testing.F) {
	for _, seed := range []string{"", "plain", "quote\"back\\slash", "\x00\x1f\n\t", "héllo ✓", "\xff\xfe", "</script>"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q came back as %q", s, back)
		}
	})
}

// FuzzFlatResources: the state writer's flat resources are valid JSON and
// say what resources.Flat says.
func FuzzFlatResources(f *testing.F) {
	for _, seed := range []string{"cpus:1;mem:32", "cpus:0.1;ports:[31000-31000,31005-31010];disks:{a,b}", "cpus(eng):2;cpus:1;gpus:1", "x:5;y:[1-2];z:{q}"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := resources.Parse(text, "*")
		if err != nil {
			return
		}
		w := jsonWriter{}
		w.resources(r)
		var got map[string]any
		if err := json.Unmarshal(w.buf, &got); err != nil {
			t.Fatalf("%q -> %s: %v", text, w.buf, err)
		}
		want := map[string]any{}
		for k, v := range r.Flat() {
			want[k] = v
		}
		// Round-trip the expectation through JSON too, for the number types.
		data, _ := json.Marshal(want)
		want = map[string]any{}
		_ = json.Unmarshal(data, &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %v, Flat says %v", text, got, want)
		}
	})
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
