package checkpoint

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
)

// RecordType says what a record of a task's update log holds.
type RecordType byte

// Record types (Mesos's StatusUpdateRecord.Type).
const (
	RecordUpdate RecordType = 1 // a status update, in the order received
	RecordAck    RecordType = 2 // the acknowledgement of one (its uuid)
)

// maxRecordSize bounds one record when reading a log back.
const maxRecordSize = 64 << 20

// Record is one entry of a task's update log.
type Record struct {
	Type   RecordType
	Update *agentmasterpb.AgentCall_StatusUpdate // RecordUpdate
	UUID   []byte                                // RecordAck
}

// header is the type byte and the payload length (big endian).
const headerSize = 5

// AppendRecord appends a record to the log at path (created with its
// parents when missing) and syncs it to disk.
func AppendRecord(path string, rec Record) error {
	var payload []byte
	switch rec.Type {
	case RecordUpdate:
		data, err := proto.MarshalOptions{AllowPartial: true}.Marshal(rec.Update)
		if err != nil {
			return fmt.Errorf("encode status update: %w", err)
		}
		payload = data
	case RecordAck:
		payload = rec.UUID
	default:
		return fmt.Errorf("unknown update record type %d", rec.Type)
	}
	buf := make([]byte, headerSize, headerSize+len(payload))
	buf[0] = byte(rec.Type)
	binary.BigEndian.PutUint32(buf[1:], uint32(len(payload)))
	buf = append(buf, payload...)

	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, filePerm)
	if err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	_, err = f.Write(buf)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("append to %s: %w", path, err)
	}
	return nil
}

// ReadRecords reads a task's update log. A last record cut short (the
// agent died while appending it) is dropped; a corrupt record is an
// error, returned with the records before it. Either way the file is
// truncated to the valid records, as Mesos's TaskState::recover does:
// what the agent appends next must follow readable records, or the next
// recovery would stop at the corrupt bytes and lose it. An I/O error
// leaves the file alone.
func ReadRecords(path string) ([]Record, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("read updates: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out []Record
	var valid int64
	var readErr error
	// ioErr is set when reading failed rather than the content: the rest
	// of the file may well be valid.
	ioErr := false
	for {
		var hdr [headerSize]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				readErr, ioErr = err, true
			}
			break
		}
		size := binary.BigEndian.Uint32(hdr[1:])
		if size > maxRecordSize {
			readErr = fmt.Errorf("record of %d bytes at offset %d is too large", size, valid)
			break
		}
		payload := make([]byte, size)
		if _, err := io.ReadFull(r, payload); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				readErr, ioErr = err, true
			}
			break // a partial last record
		}
		rec := Record{Type: RecordType(hdr[0])}
		switch rec.Type {
		case RecordUpdate:
			rec.Update = &agentmasterpb.AgentCall_StatusUpdate{}
			if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(payload, rec.Update); err != nil {
				readErr = fmt.Errorf("decode status update at offset %d: %w", valid, err)
			}
		case RecordAck:
			rec.UUID = payload
		default:
			readErr = fmt.Errorf("unknown record type %d at offset %d", hdr[0], valid)
		}
		if readErr != nil {
			break
		}
		out = append(out, rec)
		valid += int64(headerSize) + int64(size)
	}
	if !ioErr {
		if st, err := f.Stat(); err == nil && st.Size() > valid {
			if err := f.Truncate(valid); err != nil {
				return out, fmt.Errorf("truncate %s to its valid updates: %w", path, err)
			}
		}
	}
	if readErr != nil {
		return out, fmt.Errorf("read updates %s: %w", path, readErr)
	}
	return out, nil
}
