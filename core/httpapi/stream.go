package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/recordio"
)

// StreamIDHeader carries the scheduler's stream id.
const StreamIDHeader = "Mesos-Stream-Id"

// Stream writes a RecordIO stream of events as the 200 response of a
// SUBSCRIBE call: exact Content-Type, chunked (no Content-Length), never
// compressed, whole records per flush.
type Stream struct {
	w       http.ResponseWriter
	flusher http.Flusher
	codec   Codec
	frame   []byte
}

// ErrNoFlush means the ResponseWriter cannot stream.
var ErrNoFlush = errors.New("httpapi: response writer does not support flushing")

// StartStream writes the response headers (with the stream id when given)
// and returns the stream. Nothing is written on error.
func StartStream(w http.ResponseWriter, codec Codec, streamID string) (*Stream, error) {
	s, err := prepareStream(w, codec, streamID)
	if err != nil {
		return nil, err
	}
	s.flusher.Flush()
	return s, nil
}

// StartStreamWith starts the stream with its first event: the headers and
// the first record leave in one write (one system call, one packet), which
// counts when thousands of agents subscribe at once after a failover. An
// error after the headers means the client is gone.
func StartStreamWith(w http.ResponseWriter, codec Codec, streamID string, first proto.Message) (*Stream, error) {
	s, err := prepareStream(w, codec, streamID)
	if err != nil {
		return nil, err
	}
	if err := s.Send(first); err != nil {
		return nil, err
	}
	return s, nil
}

// prepareStream sets the stream's headers and status, unflushed.
func prepareStream(w http.ResponseWriter, codec Codec, streamID string) (*Stream, error) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return nil, ErrNoFlush
	}
	h := w.Header()
	h.Set("Content-Type", codec.MediaType())
	// No Content-Length (the body is chunked) and no Content-Encoding: Go's
	// server never compresses, and events must reach clients as written.
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	if streamID != "" {
		h.Set(StreamIDHeader, streamID)
	}
	w.WriteHeader(http.StatusOK)
	return &Stream{w: w, flusher: flusher, codec: codec}, nil
}

// Send encodes m as one record and flushes it. An error means the client
// is gone (or m cannot be encoded); the caller ends the stream.
func (s *Stream) Send(m proto.Message) error {
	if err := s.Write(m); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

// Write encodes m as one record into the response without flushing it;
// Flush sends what was written. A writer with several events at hand
// writes them all and flushes once: one system call, and one wake-up of
// the reader, for the lot. Records are whole on the wire either way.
func (s *Stream) Write(m proto.Message) error {
	payload, err := s.codec.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", m.ProtoReflect().Descriptor().Name(), err)
	}
	s.frame = recordio.Append(s.frame[:0], payload)
	if _, err := s.w.Write(s.frame); err != nil {
		return fmt.Errorf("write event: %w", err)
	}
	return nil
}

// Flush sends the records written since the last flush.
func (s *Stream) Flush() { s.flusher.Flush() }

// MaxRecordsPerFlush bounds what SendQueued writes before it flushes, so
// that a long queue still reaches the client in pieces.
const MaxRecordsPerFlush = 64

// SendQueued writes first and the events next hands out without waiting
// (false: none queued now), up to MaxRecordsPerFlush, and flushes them
// together: one system call, and one wake-up of the reader, for what a
// writer had at hand. It never waits for more.
func (s *Stream) SendQueued(first proto.Message, next func() (proto.Message, bool)) error {
	if err := s.Write(first); err != nil {
		return err
	}
	for range MaxRecordsPerFlush - 1 {
		m, ok := next()
		if !ok {
			break
		}
		if err := s.Write(m); err != nil {
			return err
		}
	}
	s.Flush()
	return nil
}
