package resources

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"google.golang.org/protobuf/proto"
)

// unmarshalMessage decodes one message in Mesos's JSON dialect (proto field
// names, enum names, unknown fields ignored).
func unmarshalMessage(data []byte, m proto.Message) error { return jsoncodec.Unmarshal(data, m) }

// marshalMessage encodes one message in Mesos's JSON dialect.
func marshalMessage(m proto.Message) ([]byte, error) { return jsoncodec.Marshal(m) }

// JSON renders r in the JSON array form that Parse accepts:
// [{"name":"cpus","type":"SCALAR","scalar":{"value":4}}, ...], in the
// post-refinement format.
func (r Resources) JSON() ([]byte, error) {
	return r.JSONIn(PostRefinement)
}

// JSONIn renders r as a JSON array of resources in format f.
func (r Resources) JSONIn(f Format) ([]byte, error) {
	ps, err := r.ProtosIn(f)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		j, err := marshalMessage(p)
		if err != nil {
			return nil, err
		}
		b.Write(j)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// splitJSONArray returns the elements of text if it is a JSON array, and
// false if it is not JSON or not an array.
func splitJSONArray(text string) ([][]byte, bool) {
	t := bytes.TrimLeft([]byte(text), " \t\r\n")
	if len(t) == 0 || t[0] != '[' {
		return nil, false
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(t, &elems); err != nil {
		return nil, false
	}
	out := make([][]byte, len(elems))
	for i, e := range elems {
		out[i] = e
	}
	return out, true
}

func errJSON(i int, err error) error {
	return fmt.Errorf("Some JSON resources were not formatted properly: resources[%d]: %v", i, err)
}
