// Package recordio reads and writes Mesos's RecordIO framing, used by the
// streaming responses of the v1 scheduler, executor and operator APIs.
//
// A record is its payload length in decimal ASCII, a newline, and the payload
// itself, with nothing after it: "5\nhello". Readers bound the record size so
// that a malformed or hostile peer cannot make us allocate without limit.
package recordio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// DefaultMaxRecordSize bounds a record when the caller does not choose a
// bound. Mesos's own messages are capped at 64 MiB by protobuf; we follow.
const DefaultMaxRecordSize = 64 << 20

// maxHeaderDigits is the number of decimal digits needed for any int64; a
// longer header cannot be a valid length.
const maxHeaderDigits = 19

// ErrMalformed is wrapped by every error about a badly formed header.
var ErrMalformed = errors.New("recordio: malformed record")

// ErrTooLarge is wrapped when a record's declared length exceeds the bound.
var ErrTooLarge = errors.New("recordio: record too large")

// Writer frames payloads as records.
type Writer struct {
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer that frames records onto w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteRecord writes one record with a single call to the underlying writer,
// so that a caller flushing after each record never splits one across flushes.
func (w *Writer) WriteRecord(payload []byte) error {
	w.buf = Append(w.buf[:0], payload)
	if _, err := w.w.Write(w.buf); err != nil {
		return fmt.Errorf("recordio: write record of %d bytes: %w", len(payload), err)
	}
	return nil
}

// Append appends payload framed as one record to dst and returns the result.
func Append(dst, payload []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(payload)), 10)
	dst = append(dst, '\n')
	return append(dst, payload...)
}

// Reader reads records from a stream.
type Reader struct {
	r       *bufio.Reader
	maxSize int
}

// NewReader returns a Reader over r that rejects records larger than maxSize
// bytes; maxSize <= 0 means DefaultMaxRecordSize.
func NewReader(r io.Reader, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = DefaultMaxRecordSize
	}
	return &Reader{r: bufio.NewReader(r), maxSize: maxSize}
}

// ReadRecord returns the next record's payload. It returns io.EOF only at a
// record boundary; a stream cut inside a record gives io.ErrUnexpectedEOF.
func (r *Reader) ReadRecord() ([]byte, error) {
	size, err := r.readHeader()
	if err != nil {
		return nil, err
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(r.r, payload); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("recordio: read payload of %d bytes: %w", size, err)
	}
	return payload, nil
}

// readHeader reads the decimal length up to and including the newline.
func (r *Reader) readHeader() (int, error) {
	var size, digits int
	for {
		c, err := r.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if digits == 0 {
					return 0, io.EOF
				}
				return 0, fmt.Errorf("recordio: stream ended inside a record header: %w", io.ErrUnexpectedEOF)
			}
			return 0, fmt.Errorf("recordio: read header: %w", err)
		}
		switch {
		case c == '\n':
			if digits == 0 {
				return 0, fmt.Errorf("%w: empty length before newline", ErrMalformed)
			}
			return size, nil
		case c >= '0' && c <= '9':
			digits++
			if digits > maxHeaderDigits {
				return 0, fmt.Errorf("%w: length has more than %d digits", ErrMalformed, maxHeaderDigits)
			}
			size = size*10 + int(c-'0')
			if size > r.maxSize {
				return 0, fmt.Errorf("%w: length exceeds the limit of %d bytes", ErrTooLarge, r.maxSize)
			}
		default:
			return 0, fmt.Errorf("%w: unexpected byte %q in length", ErrMalformed, c)
		}
	}
}
