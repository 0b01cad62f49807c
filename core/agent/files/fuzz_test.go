package files

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serve runs one request through the handlers and checks what every
// answer must satisfy: a known status, and never the secret kept next to
// the sandbox.
func serve(t *testing.T, fx *fixture, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	u, err := url.Parse(target)
	if err != nil {
		return rec
	}
	req.URL = u
	fx.files.Handler().ServeHTTP(rec, req)
	switch rec.Code {
	case 200, 206, 400, 403, 404:
	default:
		t.Fatalf("%s: status %d (%q)", target, rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), secret) {
		t.Fatalf("%s served the secret", target)
	}
	return rec
}

// FuzzFilesParams fuzzes the path, offset and length parameters of the
// files endpoints.
func FuzzFilesParams(f *testing.F) {
	fx := newFixture(f)
	for _, p := range []string{fx.alias + "/stdout", fx.alias + "/../secret.txt", fx.alias + "/link-out", "/slave/log",
		fx.sandbox + "/dir-out/secret.txt", fx.alias + "/%2e%2e/secret.txt", "file://" + fx.alias + "/stdout", fx.alias + "/sibling/secret.txt"} {
		f.Add(p, "0", "-1")
	}
	f.Add(fx.alias+"/stdout", "-1", "")
	f.Add(fx.alias+"/stdout", "9223372036854775807", "9223372036854775807")
	f.Add(fx.alias+"/stdout", "-9223372036854775808", "x")
	f.Fuzz(func(t *testing.T, path, offset, length string) {
		query := url.Values{"path": {path}, "offset": {offset}, "length": {length}}.Encode()
		for _, endpoint := range []string{"/files/read", "/files/browse", "/files/download"} {
			rec := serve(t, fx, endpoint+"?"+query)
			if endpoint == "/files/read" && rec.Code == 200 {
				var body struct {
					Data   string `json:"data"`
					Offset int64  `json:"offset"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatalf("read answered invalid JSON %q: %v", rec.Body.String(), err)
				}
				if body.Offset < 0 {
					t.Fatalf("negative offset in %q", rec.Body.String())
				}
			}
			if endpoint == "/files/browse" && rec.Code == 200 {
				var list []map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
					t.Fatalf("browse answered invalid JSON %q: %v", rec.Body.String(), err)
				}
			}
		}
	})
}

// FuzzFilesRawQuery fuzzes the raw query string (escapes, repeated keys).
func FuzzFilesRawQuery(f *testing.F) {
	fx := newFixture(f)
	f.Add("path=" + fx.alias + "/%2e%2e/secret.txt&offset=0")
	f.Add("path=" + fx.alias + "%2F..%2F..%2Fsecret.txt")
	f.Add("path=%zz")
	f.Add("path=" + fx.alias + "/stdout&path=/x&offset=1&offset=2")
	f.Fuzz(func(t *testing.T, raw string) {
		for _, endpoint := range []string{"/files/read", "/files/browse", "/files/download", "/files/debug"} {
			serve(t, fx, endpoint+"?"+raw)
		}
	})
}

// FuzzReadParams checks the offset and length parser on its own.
func FuzzReadParams(f *testing.F) {
	f.Add("0", "-1", true, true)
	f.Add("-1", "", true, false)
	f.Add("+5", "0x10", true, true)
	f.Fuzz(func(t *testing.T, offset, length string, hasOffset, hasLength bool) {
		q := url.Values{}
		if hasOffset {
			q.Set("offset", offset)
		}
		if hasLength {
			q.Set("length", length)
		}
		o, l, err := readParams(q)
		if err != nil {
			if StatusCode(err) != http.StatusBadRequest {
				t.Fatalf("parse error %v is not a 400", err)
			}
			return
		}
		if o < -1 || l < -1 {
			t.Fatalf("readParams(%q, %q) = %d, %d", offset, length, o, l)
		}
	})
}
