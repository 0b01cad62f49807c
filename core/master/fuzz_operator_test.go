package master

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
)

// FuzzDecodeOperatorCall: any body under any Content-Type is a call or a
// 400/413/415 answer, never a panic.
func FuzzDecodeOperatorCall(f *testing.F) {
	f.Add("application/json", []byte(`{"type":"GET_HEALTH"}`))
	f.Add("application/json", []byte(`{"type":"SET_LOGGING_LEVEL","set_logging_level":{"level":1}}`))
	f.Add("application/json", []byte(`{"type":`))
	f.Add("application/x-protobuf", []byte("\x08\x01"))
	f.Add("text/plain", []byte("x"))
	f.Add("", []byte(""))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1", bytes.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		var call masterpb.Call
		if decodeOperatorCall(w, r, &call) {
			if w.Body.Len() != 0 {
				t.Fatalf("decoded and answered %d %q", w.Code, w.Body)
			}
			return
		}
		switch w.Code {
		case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%q %q: answered %d %q", contentType, body, w.Code, w.Body)
		}
	})
}

// FuzzOperatorJSON: the operator API's JSON of any response or event is
// valid JSON that reads back as the plain mapping of the same message.
func FuzzOperatorJSON(f *testing.F) {
	seeds := []proto.Message{
		&masterpb.Response{Type: masterpb.Response_GET_STATE.Enum(), GetState: &masterpb.Response_GetState{
			GetTasks: &masterpb.Response_GetTasks{}, GetAgents: &masterpb.Response_GetAgents{},
		}},
		&masterpb.Response{Type: masterpb.Response_GET_HEALTH.Enum(), GetHealth: &masterpb.Response_GetHealth{Healthy: proto.Bool(true)}},
		&masterpb.Event{Type: masterpb.Event_SUBSCRIBED.Enum(), Subscribed: &masterpb.Event_Subscribed{
			GetState: &masterpb.Response_GetState{}, HeartbeatIntervalSeconds: proto.Float64(15),
		}},
	}
	for _, s := range seeds {
		b, _ := proto.Marshal(s)
		f.Add(false, b)
		f.Add(true, b)
	}
	f.Fuzz(func(t *testing.T, event bool, raw []byte) {
		var m proto.Message = &masterpb.Response{}
		if event {
			m = &masterpb.Event{}
		}
		if proto.Unmarshal(raw, m) != nil {
			return
		}
		plain, perr := httpapi.JSON.Marshal(m)
		got, err := marshalOperator(httpapi.JSON, m)
		if (err != nil) != (perr != nil) {
			t.Fatalf("operator encoding error %v, plain %v", err, perr)
		}
		if err != nil {
			return
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %q", got)
		}
		a, b := m.ProtoReflect().New().Interface(), m.ProtoReflect().New().Interface()
		if err := httpapi.JSON.Unmarshal(got, a); err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		if err := httpapi.JSON.Unmarshal(plain, b); err != nil {
			return // the plain mapping does not read back either
		}
		if !proto.Equal(a, b) {
			t.Fatalf("operator JSON %s\nplain %s", got, plain)
		}
	})
}
