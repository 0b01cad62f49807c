// Package httpapi is the HTTP machinery shared by the v1 APIs of the master
// and the agent (scheduler, executor and operator): content negotiation,
// request and response bodies in JSON or protobuf, RecordIO event streams,
// and Mesos's path handling. It knows nothing of masters or agents.
package httpapi

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
)

// Media types of the v1 APIs. Responses use them exactly, with no
// parameters: some clients compare the header byte for byte.
const (
	MediaJSON     = "application/json"
	MediaProtobuf = "application/x-protobuf"
)

// Codec is one of the two encodings the v1 APIs speak.
type Codec int

const (
	JSON Codec = iota
	Protobuf
)

// MediaType is the codec's Content-Type.
func (c Codec) MediaType() string {
	if c == Protobuf {
		return MediaProtobuf
	}
	return MediaJSON
}

func (c Codec) String() string { return c.MediaType() }

// Marshal encodes m in the codec.
func (c Codec) Marshal(m proto.Message) ([]byte, error) {
	if c == Protobuf {
		return proto.Marshal(m)
	}
	return jsoncodec.Marshal(m)
}

// Unmarshal decodes data into m; on error m is unchanged (JSON) or reset.
func (c Codec) Unmarshal(data []byte, m proto.Message) error {
	if c == Protobuf {
		scratch := m.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(data, scratch); err != nil {
			return fmt.Errorf("failed to parse body into %s: %w", m.ProtoReflect().Descriptor().Name(), err)
		}
		proto.Reset(m)
		proto.Merge(m, scratch)
		return nil
	}
	if err := jsoncodec.Unmarshal(data, m); err != nil {
		return fmt.Errorf("failed to parse body into %s: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	return nil
}

// The errors of a request's Content-Type, with the texts Mesos answers
// with on every v1 API (scheduler, executor, operator): clients show them
// as they come.
var (
	// ErrNoContentType: the request has no Content-Type (answer 400).
	ErrNoContentType = errors.New("Expecting 'Content-Type' to be present")
	// ErrUnsupportedMediaType: its Content-Type is neither JSON nor
	// protobuf, or malformed (answer 415).
	ErrUnsupportedMediaType = errors.New("Expecting 'Content-Type' of " + MediaJSON + " or " + MediaProtobuf)
)

// ErrNotAcceptable means the Accept headers rule out both encodings
// (answer 406).
var ErrNotAcceptable = errors.New("not acceptable")

// RequestCodec is the codec of the request body, from Content-Type. Unlike
// Mesos, a media type with parameters ("application/json; charset=utf-8")
// is taken.
func RequestCodec(h http.Header) (Codec, error) {
	value := h.Get("Content-Type")
	if value == "" {
		return 0, ErrNoContentType
	}
	media, _, err := mime.ParseMediaType(value)
	if err != nil {
		return 0, ErrUnsupportedMediaType
	}
	switch media {
	case MediaJSON:
		return JSON, nil
	case MediaProtobuf:
		return Protobuf, nil
	}
	return 0, ErrUnsupportedMediaType
}

// ResponseCodec picks the response encoding from the Accept headers (which
// may appear more than once). Like Mesos, it prefers JSON when JSON is
// acceptable, and a request without Accept gets JSON.
func ResponseCodec(h http.Header) (Codec, error) {
	values := h.Values("Accept")
	if len(values) == 0 {
		return JSON, nil
	}
	ranges := parseAccept(strings.Join(values, ","))
	if accepts(ranges, MediaJSON) {
		return JSON, nil
	}
	if accepts(ranges, MediaProtobuf) {
		return Protobuf, nil
	}
	return 0, fmt.Errorf("%w: expecting 'Accept' to allow %s or %s", ErrNotAcceptable, MediaJSON, MediaProtobuf)
}

type mediaRange struct {
	typ, sub string
	q        float64
}

// parseAccept reads a comma-separated list of media ranges with optional
// q-values. Malformed entries are skipped, as browsers and Mesos do.
func parseAccept(header string) []mediaRange {
	var out []mediaRange
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		typ, sub, ok := strings.Cut(strings.TrimSpace(fields[0]), "/")
		if !ok || typ == "" || sub == "" {
			continue
		}
		r := mediaRange{typ: strings.ToLower(typ), sub: strings.ToLower(sub), q: 1}
		for _, param := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q >= 0 && q <= 1 {
					r.q = q
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// accepts applies the most specific matching range, as RFC 9110 says.
func accepts(ranges []mediaRange, media string) bool {
	typ, sub, _ := strings.Cut(media, "/")
	best, bestSpecificity := 0.0, -1
	for _, r := range ranges {
		specificity := -1
		switch {
		case r.typ == typ && r.sub == sub:
			specificity = 2
		case r.typ == typ && r.sub == "*":
			specificity = 1
		case r.typ == "*" && r.sub == "*":
			specificity = 0
		}
		if specificity > bestSpecificity {
			best, bestSpecificity = r.q, specificity
		}
	}
	return bestSpecificity >= 0 && best > 0
}
