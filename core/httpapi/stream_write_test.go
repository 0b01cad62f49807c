package httpapi

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

// Records written with Write reach the client only at Flush, whole and in
// order, all in one flush.
func TestStreamWriteThenFlush(t *testing.T) {
	flushed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := StartStream(w, Protobuf, "")
		if err != nil {
			t.Error(err)
			return
		}
		for _, v := range []string{"a", "b", "c"} {
			if err := s.Write(&mesospb.TaskID{Value: proto.String(v)}); err != nil {
				t.Error(err)
				return
			}
		}
		s.Flush()
		close(flushed)
		<-r.Context().Done()
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-flushed
	r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
	for _, want := range []string{"a", "b", "c"} {
		data, err := r.ReadRecord()
		if err != nil {
			t.Fatalf("record %s: %v", want, err)
		}
		var id mesospb.TaskID
		if err := proto.Unmarshal(data, &id); err != nil || id.GetValue() != want {
			t.Fatalf("record is %q (%v), want %s", id.GetValue(), err, want)
		}
	}
}
