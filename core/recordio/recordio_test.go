package recordio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestWriterFramesRecords(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, p := range []string{"hello", "", `{"type":"HEARTBEAT"}`} {
		if err := w.WriteRecord([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	want := "5\nhello0\n20\n{\"type\":\"HEARTBEAT\"}"
	if got := buf.String(); got != want {
		t.Fatalf("framed %q, want %q", got, want)
	}
}

// oneWriteRecorder remembers the size of each Write call.
type oneWriteRecorder struct{ writes []int }

func (o *oneWriteRecorder) Write(p []byte) (int, error) {
	o.writes = append(o.writes, len(p))
	return len(p), nil
}

func TestWriterUsesOneWritePerRecord(t *testing.T) {
	rec := &oneWriteRecorder{}
	w := NewWriter(rec)
	_ = w.WriteRecord([]byte("abc"))
	_ = w.WriteRecord(bytes.Repeat([]byte("x"), 100))
	if len(rec.writes) != 2 || rec.writes[0] != 5 || rec.writes[1] != 104 {
		t.Fatalf("writes %v, want [5 104]", rec.writes)
	}
}

func TestReaderRoundTrip(t *testing.T) {
	payloads := [][]byte{[]byte("a"), {}, []byte("line\nwith\nnewlines"), bytes.Repeat([]byte{0, 255}, 5000)}
	var stream []byte
	for _, p := range payloads {
		stream = Append(stream, p)
	}
	r := NewReader(bytes.NewReader(stream), 0)
	for i, want := range payloads {
		got, err := r.ReadRecord()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("record %d: got %d bytes, want %d", i, len(got), len(want))
		}
	}
	if _, err := r.ReadRecord(); err != io.EOF {
		t.Fatalf("after last record: %v, want io.EOF", err)
	}
}

func TestReaderErrors(t *testing.T) {
	cases := []struct {
		name  string
		input string
		max   int
		want  error
	}{
		{"letters in length", "1a\nx", 0, ErrMalformed},
		{"empty length", "\nabc", 0, ErrMalformed},
		{"negative length", "-1\n", 0, ErrMalformed},
		{"space before length", " 1\nx", 0, ErrMalformed},
		{"too many digits", "00000000000000000001\nx", 0, ErrMalformed},
		{"over the limit", "11\nhello world", 10, ErrTooLarge},
		{"huge declared length", "99999999999999\n", 0, ErrTooLarge},
		{"cut in header", "12", 0, io.ErrUnexpectedEOF},
		{"cut in payload", "10\nabc", 0, io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(c.input), c.max).ReadRecord()
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestReaderAcceptsRecordAtTheLimit(t *testing.T) {
	r := NewReader(strings.NewReader("5\nhello"), 5)
	if got, err := r.ReadRecord(); err != nil || string(got) != "hello" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("5\nhello0\n3\nabc"))
	f.Add([]byte("1a\n"))
	f.Add([]byte("99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), 1<<16)
		var rewritten []byte
		var records int
		for {
			p, err := r.ReadRecord()
			if err != nil {
				break
			}
			if len(p) > 1<<16 {
				t.Fatalf("record of %d bytes exceeds the limit", len(p))
			}
			rewritten = Append(rewritten, p)
			records++
		}
		// Whatever parsed must re-frame into records that parse back the same.
		back := NewReader(bytes.NewReader(rewritten), 1<<16)
		for i := 0; i < records; i++ {
			if _, err := back.ReadRecord(); err != nil {
				t.Fatalf("re-framed record %d: %v", i, err)
			}
		}
		if _, err := back.ReadRecord(); err != io.EOF {
			t.Fatalf("re-framed stream has trailing data: %v", err)
		}
	})
}
