package httpapi

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

func TestRequestCodec(t *testing.T) {
	cases := []struct {
		value string
		want  Codec
		err   error
	}{
		{"application/json", JSON, nil},
		{"application/json; charset=utf-8", JSON, nil},
		{"Application/JSON", JSON, nil},
		{"application/x-protobuf", Protobuf, nil},
		{"", 0, ErrNoContentType},
		{"text/plain", 0, ErrUnsupportedMediaType},
		{"application/json;;=", 0, ErrUnsupportedMediaType},
	}
	for _, c := range cases {
		h := http.Header{}
		if c.value != "" {
			h.Set("Content-Type", c.value)
		}
		got, err := RequestCodec(h)
		if !errors.Is(err, c.err) || (err == nil && got != c.want) {
			t.Errorf("Content-Type %q: got %v, %v; want %v, %v", c.value, got, err, c.want, c.err)
		}
	}
}

func TestResponseCodec(t *testing.T) {
	cases := []struct {
		accept []string
		want   Codec
		err    error
	}{
		{nil, JSON, nil},
		{[]string{"application/json"}, JSON, nil},
		{[]string{"application/x-protobuf"}, Protobuf, nil},
		{[]string{"application/x-protobuf", "application/json"}, JSON, nil}, // Accept twice
		{[]string{"application/x-protobuf, application/json;q=0"}, Protobuf, nil},
		{[]string{"*/*"}, JSON, nil},
		{[]string{"application/*;q=0.5"}, JSON, nil},
		{[]string{"*/*, application/json;q=0"}, Protobuf, nil},
		{[]string{"text/html"}, 0, ErrNotAcceptable},
		{[]string{"application/json;q=0, application/x-protobuf;q=0"}, 0, ErrNotAcceptable},
		{[]string{"garbage"}, 0, ErrNotAcceptable},
	}
	for _, c := range cases {
		h := http.Header{}
		for _, v := range c.accept {
			h.Add("Accept", v)
		}
		got, err := ResponseCodec(h)
		if !errors.Is(err, c.err) || (err == nil && got != c.want) {
			t.Errorf("Accept %q: got %v, %v; want %v, %v", c.accept, got, err, c.want, c.err)
		}
	}
}

func TestDecodeRequestStatuses(t *testing.T) {
	call := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`
	cases := []struct {
		name, contentType, body string
		max                     int64
		status                  int
		text                    string // Mesos's, where it has one
	}{
		{"ok", "application/json", call, 0, 0, ""},
		{"bad json", "application/json", `{"type":`, 0, http.StatusBadRequest, "Failed to parse body into JSON: "},
		{"missing required", "application/json", `{"subscribe":{"framework_info":{"user":"u"}}}`, 0, http.StatusBadRequest, "Failed to convert JSON into Call protobuf: "},
		{"bad protobuf", "application/x-protobuf", "\xff\xff\xff", 0, http.StatusBadRequest, "Failed to parse body into Call protobuf"},
		{"no content type", "", call, 0, http.StatusBadRequest, "Expecting 'Content-Type' to be present"},
		{"other content type", "text/plain", call, 0, http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of application/json or application/x-protobuf"},
		{"too large", "application/json", call, 10, http.StatusRequestEntityTooLarge, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/scheduler", strings.NewReader(c.body))
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			var got schedulerpb.Call
			_, err := DecodeRequest(r, &got, c.max)
			if c.status == 0 {
				if err != nil || got.GetSubscribe().GetFrameworkInfo().GetName() != "n" {
					t.Fatalf("got %v, %v", &got, err)
				}
				return
			}
			if err == nil || StatusOf(err) != c.status {
				t.Fatalf("got %v (status %d), want status %d", err, StatusOf(err), c.status)
			}
			if !strings.HasPrefix(err.Error(), c.text) {
				t.Errorf("text %q, want it to start with %q", err, c.text)
			}
		})
	}
}

// TestStreamOverHTTP runs a real server and client: the headers are exactly
// what Mesos clients check, and each event is readable before the next one
// is written (one record per flush).
func TestStreamOverHTTP(t *testing.T) {
	next := make(chan struct{})
	srv := httptest.NewServer(CleanPaths(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var call schedulerpb.Call
		codec, err := DecodeRequest(r, &call, 0)
		if err != nil {
			WriteError(w, err)
			return
		}
		out, err := ResponseCodec(r.Header)
		if err != nil {
			WriteError(w, err)
			return
		}
		_ = codec
		s, err := StartStream(w, out, "stream-1")
		if err != nil {
			t.Error(err)
			return
		}
		for i := 0; i < 3; i++ {
			ev := &schedulerpb.Event{Type: schedulerpb.Event_HEARTBEAT.Enum()}
			if i == 0 {
				ev = &schedulerpb.Event{Type: schedulerpb.Event_SUBSCRIBED.Enum(), Subscribed: &schedulerpb.Event_Subscribed{
					FrameworkId: &mesospb.FrameworkID{Value: proto.String("fw-1")}}}
			}
			if err := s.Send(ev); err != nil {
				return
			}
			<-next
		}
	})))
	defer srv.Close()

	for _, accept := range []string{MediaJSON, MediaProtobuf} {
		body := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`
		// A chunked request body (no Content-Length), as some clients send.
		req, _ := http.NewRequest("POST", srv.URL+"//api/v1/scheduler", io.MultiReader(strings.NewReader(body)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", MediaJSON)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != accept {
			t.Errorf("Content-Type %q, want exactly %q", ct, accept)
		}
		if resp.Header.Get(StreamIDHeader) != "stream-1" {
			t.Errorf("missing %s: %v", StreamIDHeader, resp.Header)
		}
		if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
			t.Errorf("not chunked: length %d, transfer encoding %v", resp.ContentLength, resp.TransferEncoding)
		}
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
		}
		codec, _ := ResponseCodec(http.Header{"Accept": {accept}})
		reader := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for i := 0; i < 3; i++ {
			rec, err := reader.ReadRecord()
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			var ev schedulerpb.Event
			if err := codec.Unmarshal(rec, &ev); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			if i == 0 && ev.GetSubscribed().GetFrameworkId().GetValue() != "fw-1" {
				t.Fatalf("first event %v", &ev)
			}
			next <- struct{}{} // the server writes the next event only now
		}
		resp.Body.Close()
	}
}

func TestCleanPathsServesWithoutRedirect(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/master/state", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "state") })
	srv := httptest.NewServer(CleanPaths(mux))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/master/state", "//master/state", "/master//state"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(b, []byte("state")) {
			t.Errorf("%s: status %d body %q", p, resp.StatusCode, b)
		}
	}
}

func FuzzNegotiation(f *testing.F) {
	f.Add("application/json;q=0.5, */*;q=0", "application/x-protobuf; charset=x")
	f.Fuzz(func(t *testing.T, accept, contentType string) {
		h := http.Header{"Accept": {accept}, "Content-Type": {contentType}}
		if c, err := ResponseCodec(h); err == nil && c != JSON && c != Protobuf {
			t.Fatalf("codec %v", c)
		}
		if _, err := RequestCodec(h); err != nil && !errors.Is(err, ErrUnsupportedMediaType) && !errors.Is(err, ErrNoContentType) {
			t.Fatalf("unexpected error kind %v", err)
		}
	})
}
