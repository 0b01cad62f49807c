package master

import (
	"net/http"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
)

// textAcceptNeitherOne is the 406 of POST /api/v1, as Mesos's
// Master::Http::api writes it.
const textAcceptNeitherOne = "Expecting 'Accept' to allow '" + httpapi.MediaProtobuf + "' or '" + httpapi.MediaJSON + "'"

// decodeOperatorCall reads the call of r (the statuses and texts Mesos
// answers with are httpapi.DecodeRequest's). On failure it has answered.
func decodeOperatorCall(w http.ResponseWriter, r *http.Request, call *masterpb.Call) bool {
	if _, err := httpapi.DecodeRequest(r, call, 0); err != nil {
		httpapi.WriteError(w, err)
		return false
	}
	return true
}

// operatorResponseCodec is the codec the client accepts, JSON first as in
// Mesos; on failure it has answered 406.
func operatorResponseCodec(w http.ResponseWriter, r *http.Request) (httpapi.Codec, bool) {
	codec, err := httpapi.ResponseCodec(r.Header)
	if err != nil {
		http.Error(w, textAcceptNeitherOne, http.StatusNotAcceptable)
		return 0, false
	}
	return codec, true
}
