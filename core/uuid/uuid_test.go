package uuid

import "testing"

func TestRoundTrips(t *testing.T) {
	seen := map[UUID]bool{}
	for i := 0; i < 1000; i++ {
		u := New()
		if seen[u] {
			t.Fatal("duplicate UUID")
		}
		seen[u] = true
		if u[6]>>4 != 4 || u[8]>>6 != 2 {
			t.Fatalf("%s is not a version 4 RFC 4122 UUID", u)
		}
		p, err := Parse(u.String())
		if err != nil || p != u {
			t.Fatalf("text round trip of %s: %v", u, err)
		}
		b, err := FromBytes(u.Bytes())
		if err != nil || b != u {
			t.Fatalf("bytes round trip of %s: %v", u, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "9b2f4a1c3e5d4f608a7b1c2d3e4f5a6b", "9b2f4a1c-3e5d-4f60-8a7b-1c2d3e4f5a6g", "9b2f4a1c-3e5d-4f60-8a7b_1c2d3e4f5a6b"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	if _, err := FromBytes([]byte{1, 2}); err == nil {
		t.Error("FromBytes accepted 2 bytes")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("9b2f4a1c-3e5d-4f60-8a7b-1c2d3e4f5a6b")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			return
		}
		if back, err := Parse(u.String()); err != nil || back != u {
			t.Fatalf("%q parsed to %s which does not read back", s, u)
		}
	})
}
