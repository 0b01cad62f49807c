package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"google.golang.org/protobuf/proto"
)

// DefaultMaxBodySize bounds request bodies (protobuf's own 64 MiB limit).
const DefaultMaxBodySize = 64 << 20

// ErrBodyTooLarge is wrapped when a body exceeds the bound (answer 413).
var ErrBodyTooLarge = errors.New("request body too large")

// ReadBody reads a request body, chunked or not, up to max bytes
// (max <= 0 means DefaultMaxBodySize).
func ReadBody(r *http.Request, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBodySize
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	return body, nil
}

// DecodeRequest reads and decodes a call. The returned codec is the
// request's; the error says which HTTP status to answer with (StatusOf).
func DecodeRequest(r *http.Request, m proto.Message, max int64) (Codec, error) {
	codec, err := RequestCodec(r.Header)
	if err != nil {
		return 0, err
	}
	body, err := ReadBody(r, max)
	if err != nil {
		return 0, err
	}
	if err := codec.Unmarshal(body, m); err != nil {
		return 0, &BadRequestError{Err: unmarshalError(codec, body, err)}
	}
	return codec, nil
}

// unmarshalError words a body that does not decode as Mesos does.
func unmarshalError(codec Codec, body []byte, err error) error {
	switch {
	case codec == Protobuf:
		return errors.New("Failed to parse body into Call protobuf")
	case !json.Valid(body):
		return fmt.Errorf("Failed to parse body into JSON: %w", err)
	}
	return fmt.Errorf("Failed to convert JSON into Call protobuf: %w", err)
}

// BadRequestError marks an error as the caller's fault (answer 400).
type BadRequestError struct{ Err error }

func (e *BadRequestError) Error() string { return e.Err.Error() }
func (e *BadRequestError) Unwrap() error { return e.Err }

// StatusOf maps the errors of this package to the status Mesos answers with.
func StatusOf(err error) int {
	var bad *BadRequestError
	switch {
	case errors.Is(err, ErrNoContentType):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, ErrNotAcceptable):
		return http.StatusNotAcceptable
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &bad):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// WriteError answers with the status for err and its message as plain text,
// as Mesos does.
func WriteError(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), StatusOf(err))
}

// WriteMessage answers 200 with m in the codec and the codec's exact
// Content-Type.
func WriteMessage(w http.ResponseWriter, codec Codec, m proto.Message) error {
	body, err := codec.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s response: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	w.Header().Set("Content-Type", codec.MediaType())
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}
