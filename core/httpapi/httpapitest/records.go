package httpapitest

import (
	"testing"

	"google.golang.org/protobuf/proto"
)

// valued is a message with a string value (TaskID, AgentID, ...).
type valued interface {
	proto.Message
	GetValue() string
}

// RecordValues decodes each record (protobuf) as a new M and returns their
// values, in order: what a test of a stream wrote, as IDs.
func RecordValues[M valued](t testing.TB, records [][]byte, newMsg func() M) []string {
	t.Helper()
	out := make([]string, 0, len(records))
	for i, data := range records {
		m := newMsg()
		if err := proto.Unmarshal(data, m); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		out = append(out, m.GetValue())
	}
	return out
}
