package agent

import (
	"encoding/json"
	"net/http"
	"regexp"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/units"
)

// parseMesosDuration reads a duration in Mesos's format ("30secs").
func parseMesosDuration(s string) (time.Duration, error) {
	d, err := units.ParseDuration(s)
	return d.Std(), err
}

// protoJSON renders a message in Mesos's JSON dialect for embedding in the
// endpoints' documents.
func protoJSON(m proto.Message) json.RawMessage {
	data, err := jsoncodec.Marshal(m)
	if err != nil {
		return json.RawMessage("null")
	}
	return data
}

var jsonpName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]*$`)

// writeJSON answers 200 with v as JSON, wrapped in ?jsonp=callback when
// asked, as Mesos's endpoints do.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if cb := r.URL.Query().Get("jsonp"); cb != "" && jsonpName.MatchString(cb) {
		w.Header().Set("Content-Type", "text/javascript")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(cb + "("))
		_, _ = w.Write(data)
		_, _ = w.Write([]byte(");"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
