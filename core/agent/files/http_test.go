package files

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/proto/agentpb"
	"google.golang.org/protobuf/proto"
)

func TestHTTPStatusCodes(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		name, endpoint, query string
		status                int
	}{
		{"browse ok", "/files/browse", q("path", fx.alias), 200},
		{"browse json suffix", "/files/browse.json", q("path", fx.alias), 200},
		{"read ok", "/files/read", q("path", fx.alias+"/stdout", "offset", "0"), 200},
		{"read json suffix", "/files/read.json", q("path", fx.alias+"/stdout", "offset", "0"), 200},
		{"download ok", "/files/download", q("path", fx.alias+"/stdout"), 200},
		{"download json suffix", "/files/download.json", q("path", fx.alias+"/stdout"), 200},
		{"debug", "/files/debug", "", 200},
		{"debug json suffix", "/files/debug.json", "", 200},
		{"no path", "/files/browse", "", 400},
		{"empty path", "/files/read", q("path", ""), 400},
		{"no path download", "/files/download", "", 400},
		{"bad query", "/files/read", "path=%zz", 400},
		{"bad offset", "/files/read", q("path", fx.alias+"/stdout", "offset", "abc"), 400},
		{"offset -2", "/files/read", q("path", fx.alias+"/stdout", "offset", "-2"), 400},
		{"length -2", "/files/read", q("path", fx.alias+"/stdout", "length", "-2"), 400},
		{"bad length", "/files/read", q("path", fx.alias+"/stdout", "length", "1.5"), 400},
		{"offset overflow", "/files/read", q("path", fx.alias+"/stdout", "offset", "99999999999999999999"), 400},
		{"read dir", "/files/read", q("path", fx.alias+"/dir", "offset", "0"), 400},
		{"download dir", "/files/download", q("path", fx.alias+"/dir"), 400},
		{"not attached", "/files/browse", q("path", "/nope"), 404},
		{"missing file", "/files/read", q("path", fx.alias+"/missing"), 404},
		{"missing download", "/files/download", q("path", fx.alias+"/missing"), 404},
		{"dotdot", "/files/read", q("path", fx.alias+"/../../../secret.txt", "offset", "0"), 403},
		{"encoded dotdot", "/files/read", "path=" + fx.alias + "/%2e%2e/%2E%2E/secret.txt&offset=0", 403},
		{"encoded slash dotdot", "/files/download", "path=" + fx.alias + "%2F..%2F..%2Fsecret.txt", 403},
		{"dotdot browse", "/files/browse", q("path", fx.sandbox+"/.."), 403},
		{"symlink out", "/files/read", q("path", fx.alias+"/link-out", "offset", "0"), 403},
		{"absolute symlink out", "/files/download", q("path", fx.alias+"/abs-out"), 403},
		{"symlinked dir out", "/files/browse", q("path", fx.alias+"/dir-out"), 403},
		{"prefix sibling", "/files/download", q("path", fx.alias+"/sibling/secret.txt"), 403},
		{"bad jsonp", "/files/debug", q("jsonp", "alert(1)//"), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := fx.get(t, tt.endpoint, tt.query)
			if status != tt.status {
				t.Errorf("status %d, want %d (body %q)", status, tt.status, body)
			}
			if strings.Contains(body, secret) {
				t.Errorf("served the secret: %q", body)
			}
		})
	}
}

func TestHTTPBrowseShape(t *testing.T) {
	fx := newFixture(t)
	status, h, body := fx.get(t, "/files/browse", q("path", fx.alias+"/dir"))
	if status != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d type %s", status, h.Get("Content-Type"))
	}
	re := regexp.MustCompile(`^\[\{"gid":"[^"]+","mode":"-rw-r--r--","mtime":\d+\.0,"nlink":1,"path":"` +
		regexp.QuoteMeta(fx.alias) + `/dir/nested.txt","size":6,"uid":"[^"]+"\}\]$`)
	if !re.MatchString(body) {
		t.Fatalf("body %s", body)
	}
	var decoded []map[string]any
	if err := json.Unmarshal([]byte(body), &decoded); err != nil || len(decoded) != 1 {
		t.Fatalf("not JSON: %v", err)
	}
}

func TestHTTPRead(t *testing.T) {
	fx := newFixture(t)
	path := fx.alias + "/stdout"
	tests := []struct {
		query, want string
	}{
		{q("path", path), `{"data":"","offset":10}`}, // no offset: the size
		{q("path", path, "offset", "-1"), `{"data":"","offset":10}`},
		{q("path", path, "offset", "-1", "length", "5"), `{"data":"","offset":10}`},
		{q("path", path, "offset", "0"), `{"data":"0123456789","offset":0}`},
		{q("path", path, "offset", "2", "length", "3"), `{"data":"234","offset":2}`},
		{q("path", path, "offset", "+2", "length", "-1"), `{"data":"23456789","offset":2}`},
		{q("path", path, "offset", "20"), `{"data":"","offset":20}`},
		{q("path", path, "offset", "0", "length", "0"), `{"data":"","offset":0}`},
		{q("path", "/slave/log", "offset", "0"), `{"data":"log line\n","offset":0}`},
	}
	for _, tt := range tests {
		status, h, body := fx.get(t, "/files/read", tt.query)
		if status != 200 || body != tt.want || h.Get("Content-Type") != "application/json" {
			t.Errorf("read %s = %d %s %q; want %q", tt.query, status, h.Get("Content-Type"), body, tt.want)
		}
	}
	status, h, body := fx.get(t, "/files/read", q("path", path, "offset", "0", "length", "2", "jsonp", "cb.fn"))
	if status != 200 || body != `cb.fn({"data":"01","offset":0});` || h.Get("Content-Type") != "text/javascript" {
		t.Errorf("jsonp: %d %s %q", status, h.Get("Content-Type"), body)
	}
}

func TestHTTPDownload(t *testing.T) {
	fx := newFixture(t)
	status, h, body := fx.get(t, "/files/download", q("path", fx.alias+"/stdout"))
	if status != 200 || body != "0123456789" {
		t.Fatalf("download: %d %q", status, body)
	}
	if h.Get("Content-Disposition") != "attachment; filename=stdout" || h.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("headers %v", h)
	}
	_, h, _ = fx.get(t, "/files/download", q("path", fx.alias+"/page.html"))
	if h.Get("Content-Type") != "text/html" || h.Get("Content-Disposition") != "attachment; filename=page.html" {
		t.Errorf("html headers %v", h)
	}
	// Range requests work (large sandbox logs).
	req, _ := http.NewRequest(http.MethodGet, fx.srv.URL+"/files/download?"+q("path", fx.alias+"/stdout"), nil)
	req.Header.Set("Range", "bytes=2-4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		t.Errorf("range: %d", resp.StatusCode)
	}
}

func TestHTTPDebug(t *testing.T) {
	fx := newFixture(t)
	_, _, body := fx.get(t, "/files/debug", "")
	var m map[string]string
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if m[fx.alias] != fx.sandbox || m["/slave/log"] == "" {
		t.Errorf("debug %v", m)
	}
	deny := New(Options{DebugAuthorize: func(context.Context) (bool, error) { return false, nil }})
	rec := httptest.NewRecorder()
	deny.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/files/debug.json", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("denied debug: %d", rec.Code)
	}
}

func TestHandlerRouting(t *testing.T) {
	fx := newFixture(t)
	h := fx.files.Handler()
	for _, p := range []string{"/files/browse", "/files/browse.json", "/files/read.json"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p+"?"+q("path", fx.alias+"/stdout"), nil))
		if rec.Code != 200 {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/files/other", nil))
	if rec.Code != 404 {
		t.Errorf("unknown endpoint: %d", rec.Code)
	}
}

func TestOperatorCalls(t *testing.T) {
	fx := newFixture(t)
	resp, err := fx.files.ListFiles(bg, &agentpb.Call_ListFiles{Path: proto.String(fx.alias + "/dir")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetType() != agentpb.Response_LIST_FILES || len(resp.GetListFiles().GetFileInfos()) != 1 {
		t.Fatalf("LIST_FILES = %v", resp)
	}
	fi := resp.GetListFiles().GetFileInfos()[0]
	if fi.GetPath() != fx.alias+"/dir/nested.txt" || fi.GetMode() != 0o100644 {
		t.Errorf("file info %v", fi)
	}
	resp, err = fx.files.ReadFile(bg, &agentpb.Call_ReadFile{Path: proto.String(fx.alias + "/stdout"), Offset: proto.Uint64(4), Length: proto.Uint64(3)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetType() != agentpb.Response_READ_FILE || resp.GetReadFile().GetSize() != 10 || string(resp.GetReadFile().GetData()) != "456" {
		t.Fatalf("READ_FILE = %v", resp)
	}
	resp, err = fx.files.ReadFile(bg, &agentpb.Call_ReadFile{Path: proto.String(fx.alias + "/stdout"), Offset: proto.Uint64(1 << 63)})
	if err != nil || resp.GetReadFile().GetSize() != 10 || len(resp.GetReadFile().GetData()) != 0 {
		t.Fatalf("READ_FILE past the end = %v, %v", resp, err)
	}
	_, err = fx.files.ReadFile(bg, &agentpb.Call_ReadFile{Path: proto.String(fx.alias + "/link-out"), Offset: proto.Uint64(0)})
	if StatusCode(err) != http.StatusForbidden {
		t.Errorf("READ_FILE escape: %v", err)
	}
	if _, err := fx.files.ListFiles(bg, nil); StatusCode(err) != http.StatusBadRequest {
		t.Errorf("LIST_FILES without list_files: %v", err)
	}
}

func TestJSONHelpers(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1348258116, "1348258116.0"},
		{0, "0.0"},
		{1.5, "1.5"},
		{-3, "-3.0"},
	}
	for _, tt := range tests {
		if got := string(appendDouble(nil, tt.f)); got != tt.want {
			t.Errorf("appendDouble(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
	if got := string(appendString(nil, "a<b>&\"\n\x00\xff/")); got != `"a<b>&\"\n\u0000\ufffd/"` {
		t.Errorf("appendString = %s", got)
	}
}
